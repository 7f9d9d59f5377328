// POST /connect/decide — Allow (with the chosen tool groups) or Deny. Same-origin + a CSRF token bound to the
// user and this exact request (a missing or wrong one is a 400 page, never a redirect); the tenant the page
// showed must still be the one bound. The answer goes back to the client with code or error, state and iss.
import { z } from 'zod';
import { readPendingRequest, redirectWith } from '@/lib/auth/mcp-oauth/authorization-request.ts';
import { resolveMcpClient } from '@/lib/auth/mcp-oauth/clients.ts';
import { issueAuthorizationCode } from '@/lib/auth/mcp-oauth/code-grant.ts';
import { checkConsentCsrf, consentProblem, handBack } from '@/lib/auth/mcp-oauth/consent.ts';
import { metadataTransportFor } from '@/lib/auth/mcp-oauth/http.ts';
import { redirectHost, redirectUriMatches } from '@/lib/auth/mcp-oauth/redirect-uri.ts';
import { tenantForApproval } from '@/lib/auth/device-grant.ts';
import { formPost, seeOther } from '@/lib/auth/device-routes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

const DecideForm = z.object({
  request: z.string().max(12_000),
  decision: z.enum(['approve', 'deny']),
  csrf: z.string().max(200).optional(),
  tenant: z.union([z.guid(), z.literal('')]),
});

export async function POST(req: Request): Promise<Response> {
  const r = await formPost(req);
  if (r instanceof Response) return r;
  const fields = Object.fromEntries([...r.form.entries()].filter(([k, v]) => k !== 'group' && typeof v === 'string'));
  const parsed = DecideForm.safeParse(fields);
  if (!parsed.success) return consentProblem(400, 'The form was incomplete. Start again from the application.');
  const { request: token, decision, csrf, tenant } = parsed.data;
  if (!r.user) return seeOther(`/signin?${new URLSearchParams({ callbackUrl: `/connect?${new URLSearchParams({ request: token })}` })}`);
  const { oauth } = getConfig();
  if (!checkConsentCsrf(oauth.secret, csrf, r.user.id, token)) return consentProblem(400, 'Your form expired or did not come from this page. Start again from the application.');
  const now = new Date();
  const request = readPendingRequest(oauth.secret, token, now);
  if (!request) return consentProblem(400, 'This connection request has expired. Start again from the application.');
  const db = await getDb();
  const client = await resolveMcpClient(db, request.clientId, { metadataTransport: metadataTransportFor(oauth) }, now);
  if ('error' in client || !redirectUriMatches(request.redirectUri, client.redirectUris)) {
    return consentProblem(400, 'This application is no longer registered with that redirect address. Start again from the application.');
  }
  const host = redirectHost(request.redirectUri);
  if (decision === 'deny') {
    return handBack(redirectWith(request.redirectUri, { error: 'access_denied', error_description: 'The person denied the request.', state: request.state, iss: oauth.issuer }), host, false);
  }
  const groups = r.form.getAll('group').filter((g): g is string => typeof g === 'string' && (request.groups as string[]).includes(g));
  if (!groups.length) return seeOther(`/connect?${new URLSearchParams({ request: token, error: 'none_chosen' })}`);
  const bound = await tenantForApproval(db, r.user.id);
  if ((bound?.id ?? '') !== tenant) return consentProblem(409, 'Your account changed while this page was open. Start again from the application.');
  const code = await issueAuthorizationCode(db, { request, userId: r.user.id, tenantId: bound?.id ?? null, groups }, requestInfoFromHeaders(req.headers), now);
  return handBack(redirectWith(request.redirectUri, { code, state: request.state, iss: oauth.issuer }), host, true);
}
