// POST /device/decide — Approve or Deny. Same-origin + CSRF bound to user and grant; only the
// account that entered the code may decide; the tenant the page showed must still be the one bound;
// then a clear end state.
import { z } from 'zod';
import { checkCsrf } from '@/lib/auth/device-page.ts';
import { decideDeviceGrant } from '@/lib/auth/device-grant.ts';
import { formPost, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

const DecideForm = z.object({
  grant: z.guid(),
  decision: z.enum(['approve', 'deny']),
  csrf: z.string().max(200),
  // '' = the page showed "no tenant yet"; absent only from clients other than our page.
  tenant: z.union([z.guid(), z.literal('')]).optional(),
});

export async function POST(req: Request): Promise<Response> {
  const r = await formPost(req);
  if (r instanceof Response) return r;
  if (!r.user) return seeOther('/device');
  const parsed = DecideForm.safeParse(Object.fromEntries([...r.form.entries()].filter(([, v]) => typeof v === 'string')));
  if (!parsed.success) return seeOther('/device?error=invalid');
  const { grant: grantId, decision, csrf, tenant } = parsed.data;
  if (!checkCsrf(getConfig().oauth.secret, csrf, 'device-decide', r.user.id, grantId)) return seeOther('/device?error=csrf');
  const result = await decideDeviceGrant(await getDb(), {
    grantId, userId: r.user.id, decision, shownTenantId: tenant === undefined ? undefined : tenant || null,
  }, requestInfoFromHeaders(req.headers), new Date());
  return seeOther(`/device/done?result=${result}`);
}
