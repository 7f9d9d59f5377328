// POST /device/decide — Approve or Deny. Same-origin + CSRF bound to user and grant; only the
// account that entered the code may decide; the tenant the page showed must still be the one bound;
// then a clear end state.
import { readDecisionForm } from '@/lib/auth/device-page.ts';
import { decideDeviceGrant } from '@/lib/auth/device-grant.ts';
import { formPost, refused, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  const r = await formPost(req);
  if (r instanceof Response) return r;
  if (!r.user) return seeOther('/device');
  const d = readDecisionForm(getConfig().oauth.secret, Object.fromEntries([...r.form.entries()].filter(([, v]) => typeof v === 'string')), r.user.id);
  if (!d.ok) return refused(d.message, d.status);
  const { grantId, decision, tenant } = d;
  const result = await decideDeviceGrant(await getDb(), {
    grantId, userId: r.user.id, decision, shownTenantId: tenant === undefined ? undefined : tenant || null,
  }, requestInfoFromHeaders(req.headers), new Date());
  return seeOther(`/device/done?result=${result}`);
}
