// HTTP layer of the authorization server (form-encoded in, JSON out). Route files under app/oauth2
// and app/.well-known are thin wrappers over these handlers; tests and the bench call them directly
// with their own db, config and clock.
import { getNetworkConfig } from '../config/network.ts';
import type { OAuthClient, OAuthConfig } from '../config/oauth.ts';
import { requestInfoFromHeaders } from './request-info.ts';
import { DEVICE_GRANT_TYPE, pollDeviceGrant, startDeviceAuthorization } from './device-grant.ts';
import { hitRateLimit } from './rate-limit.ts';
import { oauthError, refreshTokenGrant, revokeToken, type OAuthError, type RequestContext } from './tokens.ts';
import { handleMcpRevoke, handleMcpToken } from './mcp-oauth/http.ts';
import { NO_STORE, oauthErrorResponse, oauthJson, type OAuthDeps } from './oauth-response.ts';

const MAX_BODY = 16 * 1024;

type FormResult = { params: Map<string, string> } | OAuthError;

/**
 * Parses an application/x-www-form-urlencoded body. Wrong content type, oversized body or any
 * repeated parameter → invalid_request. Empty values count as absent (RFC 6749 §3.1).
 */
async function readForm(req: Request): Promise<FormResult> {
  const ct = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct !== 'application/x-www-form-urlencoded') {
    return oauthError('invalid_request', 'The request body must be application/x-www-form-urlencoded.');
  }
  const text = await req.text();
  if (text.length > MAX_BODY) return oauthError('invalid_request', 'The request body is too large.');
  const sp = new URLSearchParams(text);
  const params = new Map<string, string>();
  for (const key of new Set(sp.keys())) {
    const all = sp.getAll(key);
    if (all.length > 1) return oauthError('invalid_request', `Parameter '${key.slice(0, 40)}' was sent more than once.`);
    if (all[0] !== '') params.set(key, all[0]!);
  }
  return { params };
}

/** Public clients only: client_id from the body or HTTP Basic (with an empty secret). */
function identifyClient(req: Request, params: Map<string, string>, cfg: OAuthConfig): OAuthClient | OAuthError {
  let id = params.get('client_id');
  const auth = req.headers.get('authorization');
  // RFC 6749 §2.3: one client-authentication method per request; Basic plus client_id/client_secret in the body is two.
  if (auth && /^Basic /i.test(auth) && (params.has('client_id') || params.has('client_secret'))) {
    return oauthError('invalid_request', 'Use one client authentication method: the Authorization header or client_id in the body, not both.');
  }
  if (auth && /^Basic /i.test(auth)) {
    let decoded = '';
    try { decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8'); } catch { /* below */ }
    const i = decoded.indexOf(':');
    const basicId = decodeURIComponent(i >= 0 ? decoded.slice(0, i) : decoded);
    const secret = i >= 0 ? decoded.slice(i + 1) : '';
    if (secret) return oauthError('invalid_client', 'This is a public client; no client secret is accepted.', 401);
    id = basicId;
  }
  if (params.has('client_secret')) return oauthError('invalid_client', 'This is a public client; no client secret is accepted.', 401);
  if (!id) return oauthError('invalid_request', 'Missing client_id.');
  const client = cfg.clients.get(id);
  if (!client) return oauthError('invalid_client', 'Unknown client.', 401);
  return client;
}

function context(req: Request, deps: OAuthDeps): RequestContext {
  return requestInfoFromHeaders(req.headers, (deps.network ?? getNetworkConfig()).trustedProxyHops);
}

/** POST /oauth2/device_authorization (RFC 8628 §3.1–3.2). */
export async function handleDeviceAuthorization(req: Request, deps: OAuthDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const form = await readForm(req);
  if ('error' in form) return oauthErrorResponse(form);
  const client = identifyClient(req, form.params, deps.cfg);
  if ('error' in client) return oauthErrorResponse(client);
  const p = form.params;
  const r = await startDeviceAuthorization(deps.db, {
    client, scope: p.get('scope'), codeChallenge: p.get('code_challenge'), codeChallengeMethod: p.get('code_challenge_method'),
  }, deps.cfg, context(req, deps), deps.cfg.verificationUri, now);
  if ('error' in r) return oauthErrorResponse(r);
  return oauthJson(r);
}

/** POST /oauth2/token: the device_code and refresh_token grants. */
export async function handleToken(req: Request, deps: OAuthDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const form = await readForm(req);
  if ('error' in form) return oauthErrorResponse(form);
  const p = form.params;
  const grantType = p.get('grant_type');
  if (!grantType) return oauthErrorResponse(oauthError('invalid_request', 'Missing grant_type.'));
  // MCP clients (authorization_code; refresh_token of registered / metadata-document clients).
  const mcp = await handleMcpToken(req, p, deps);
  if (mcp) return mcp;
  const client = identifyClient(req, p, deps.cfg);
  if ('error' in client) return oauthErrorResponse(client);
  if (grantType === DEVICE_GRANT_TYPE) {
    const deviceCode = p.get('device_code');
    if (!deviceCode) return oauthErrorResponse(oauthError('invalid_request', 'Missing device_code.'));
    const r = await pollDeviceGrant(deps.db, { clientId: client.id, deviceCode, codeVerifier: p.get('code_verifier') }, deps.cfg, context(req, deps), now);
    return 'error' in r ? oauthErrorResponse(r) : oauthJson(r);
  }
  if (grantType === 'refresh_token') {
    const refreshToken = p.get('refresh_token');
    if (!refreshToken) return oauthErrorResponse(oauthError('invalid_request', 'Missing refresh_token.'));
    const ctx = context(req, deps);
    // Per IP, generous: a CLI refreshes about once an hour; this only stops floods.
    const limit = await hitRateLimit(deps.db, `refresh:ip:${ctx.ip ?? 'unknown'}`, (deps.network ?? getNetworkConfig()).refreshLimit, now);
    if (!limit.allowed) {
      return oauthErrorResponse(oauthError('temporarily_unavailable', `Too many refresh requests; retry in ${limit.retryAfterSeconds} s.`, 429,
        { retryAfterSeconds: limit.retryAfterSeconds }));
    }
    const r = await refreshTokenGrant(deps.db, { refreshToken, clientId: client.id, scope: p.get('scope') }, deps.cfg, ctx, now);
    return 'error' in r ? oauthErrorResponse(r) : oauthJson(r);
  }
  return oauthErrorResponse(oauthError('unsupported_grant_type', 'Supported grant types: authorization_code, device_code, refresh_token.'));
}

/** POST /oauth2/revoke (RFC 7009): 200 for any well-formed request, known token or not. */
export async function handleRevoke(req: Request, deps: OAuthDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const form = await readForm(req);
  if ('error' in form) return oauthErrorResponse(form);
  const mcp = await handleMcpRevoke(req, form.params, deps);
  if (mcp) return mcp;
  const client = identifyClient(req, form.params, deps.cfg);
  if ('error' in client) return oauthErrorResponse(client);
  const token = form.params.get('token');
  if (!token) return oauthErrorResponse(oauthError('invalid_request', 'Missing token.'));
  await revokeToken(deps.db, { token, clientId: client.id }, context(req, deps), now);
  return new Response(null, { status: 200, headers: NO_STORE });
}

/**
 * Any method but POST on the OAuth endpoints: 405 with `Allow: POST`, still `no-store` (route files
 * export this for every other method, so Next's own bare 405 is never what a client sees).
 */
export async function oauthMethodNotAllowed(req: Request): Promise<Response> {
  if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { ...NO_STORE, allow: 'POST, OPTIONS' } });
  return oauthJson({ error: 'invalid_request', error_description: 'Use POST with an application/x-www-form-urlencoded body.' }, 405, { allow: 'POST, OPTIONS' });
}

/**
 * Route-handler wrapper: the app's db + config, and any unexpected failure as an RFC-shaped 500
 * (`server_error`) without internals.
 */
export function oauthRoute(handler: (req: Request, deps: OAuthDeps) => Promise<Response>): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      const [{ getDb }, { getConfig }] = await Promise.all([import('../db/index.ts'), import('../config/index.ts')]);
      const { oauth, network } = getConfig();
      return await handler(req, { db: await getDb(), cfg: oauth, network });
    } catch (err) {
      console.error('[oauth] unhandled error', err instanceof Error ? err.name + ': ' + err.message : typeof err);
      return oauthJson({ error: 'server_error', error_description: 'The authorization server failed; try again.' }, 500);
    }
  };
}
