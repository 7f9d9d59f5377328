// POST /device/decide — Approve or Deny. Same-origin + CSRF bound to user and grant; only the
// account that entered the code may decide; then a clear end state.
import { checkCsrf } from '@/lib/auth/device-page.ts';
import { decideDeviceGrant } from '@/lib/auth/device-grant.ts';
import { formPost, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  const r = await formPost(req);
  if (r instanceof Response) return r;
  if (!r.user) return seeOther('/device');
  const grantId = String(r.form.get('grant') ?? '');
  const decision = r.form.get('decision');
  if (decision !== 'approve' && decision !== 'deny') return seeOther('/device?error=invalid');
  if (!checkCsrf(getConfig().oauth.secret, r.form.get('csrf'), 'device-decide', r.user.id, grantId)) return seeOther('/device?error=csrf');
  const result = await decideDeviceGrant(await getDb(), { grantId, userId: r.user.id, decision }, requestInfoFromHeaders(req.headers), new Date());
  return seeOther(`/device/done?result=${result}`);
}
