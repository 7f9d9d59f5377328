// HTTP layer of the authorization server's MCP half: metadata (RFC 8414, RFC 9728), registration (RFC 7591),
// the authorization endpoint, and the token/revocation endpoints' answers for MCP clients. Route files are thin
// wrappers; tests call these with their own db, config, clock and metadata transport.
import type { OAuthConfig } from '../../config/oauth.ts';
import { getNetworkConfig } from '../../config/network.ts';
import * as q from '../../db/queries/oauth.ts';
import { findOAuthClient } from '../../db/queries/mcp-oauth.ts';
import { mcpResourceUrl } from '../../mcp/mcp-resource.ts';
import { DEVICE_GRANT_TYPE } from '../device-grant.ts';
import { authorizationServerMetadata } from '../oauth-metadata.ts';
import { oauthErrorResponse, oauthJson, type OAuthDeps } from '../oauth-response.ts';
import { hitRateLimit } from '../rate-limit.ts';
import { requestInfoFromHeaders } from '../request-info.ts';
import { ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, hashSecret, oauthError, type RequestContext } from '../tokens.ts';
import { checkAuthorizationRequest, redirectWith, signPendingRequest } from './authorization-request.ts';
import { DYNAMIC_CLIENT_PREFIX, isMcpClientId, pruneMcpClients, registerClient } from './clients.ts';
import { httpsTransport, mappedOriginsTransport, type MetadataTransport } from './client-metadata-fetch.ts';
import { exchangeAuthorizationCode, refreshMcpConnection, revokeMcpConnection } from './code-grant.ts';
import { esc, page, pageHeading, pageHint } from './html-page.ts';
import { MCP_SCOPES, MEMORY_SCOPES } from './scopes.ts';

export interface McpOAuthDeps extends OAuthDeps {
  /** How client ID metadata documents are fetched (default: from cfg — production https, or the test map). */
  metadataTransport?: MetadataTransport;
  metadataTimeoutMs?: number;
}

/** Registrations per IP per window (each one is a row; hosted clients register once per connection attempt). */
const REGISTRATION_LIMIT = { limit: 30, windowSeconds: 600 };
/** Metadata-document fetches an address may cause per window (each is an outbound request of up to 10 s). */
const METADATA_FETCH_LIMIT = { limit: 30, windowSeconds: 600 };
const PUBLIC_JSON = { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' } as const;

export function metadataTransportFor(cfg: OAuthConfig): MetadataTransport {
  return Object.keys(cfg.clientMetadataTestOrigins).length ? mappedOriginsTransport(cfg.clientMetadataTestOrigins, httpsTransport) : httpsTransport;
}

function context(req: Request, deps: OAuthDeps): RequestContext {
  return requestInfoFromHeaders(req.headers, (deps.network ?? getNetworkConfig()).trustedProxyHops);
}

/** RFC 8414 metadata: the device grant's, plus the authorization-code grant, registration and metadata documents. */
export function mcpAuthorizationServerMetadata(cfg: OAuthConfig): Record<string, unknown> {
  const base = cfg.issuer;
  const device = authorizationServerMetadata(cfg);
  return {
    ...device,
    authorization_endpoint: `${base}/oauth2/authorize`,
    registration_endpoint: `${base}/oauth2/register`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', DEVICE_GRANT_TYPE],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    scopes_supported: [...new Set([...(device.scopes_supported as string[]), ...MCP_SCOPES])],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${base}/connected-apps`,
  };
}

/** RFC 9728 metadata of the `/mcp` resource. `authorization_servers` is the issuer, string for string. */
export function protectedResourceMetadata(cfg: OAuthConfig): Record<string, unknown> {
  return {
    resource: mcpResourceUrl(cfg.issuer),
    authorization_servers: [cfg.issuer],
    scopes_supported: [...MEMORY_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'Basic Memory Cloud',
    resource_documentation: `${cfg.issuer}/connected-apps`,
  };
}

export function metadataResponse(body: Record<string, unknown>): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...PUBLIC_JSON } });
}

/** POST /oauth2/register (RFC 7591): JSON in, 201 JSON out; errors per §3.2.2. */
export async function handleRegister(req: Request, deps: McpOAuthDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const ct = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct !== 'application/json') return oauthJson({ error: 'invalid_client_metadata', error_description: 'The registration must be application/json.' }, 400);
  const text = await req.text();
  if (text.length > 16 * 1024) return oauthJson({ error: 'invalid_client_metadata', error_description: 'The registration is too large.' }, 400);
  let body: unknown;
  try { body = JSON.parse(text); } catch { return oauthJson({ error: 'invalid_client_metadata', error_description: 'The registration is not valid JSON.' }, 400); }
  const ctx = context(req, deps);
  const limit = await hitRateLimit(deps.db, `register:ip:${ctx.ip ?? 'unknown'}`, REGISTRATION_LIMIT, now);
  if (!limit.allowed) {
    return oauthErrorResponse(oauthError('temporarily_unavailable', `Too many registrations; retry in ${limit.retryAfterSeconds} s.`, 429, { retryAfterSeconds: limit.retryAfterSeconds }));
  }
  if (Math.random() < 0.05) await pruneMcpClients(deps.db, now).catch(() => {});
  const r = await registerClient(deps.db, body, now);
  if (r.status === 400) return oauthJson({ error: r.body.error, error_description: r.body.description }, 400);
  return oauthJson(r.body, 201);
}

/** An HTML error page for requests that cannot be redirected back (bad client or redirect URI). */
function authorizeErrorPage(status: number, message: string): Response {
  const html = page('Cannot connect this application', pageHeading('This application cannot connect')
    + `<p data-testid="authorize-error" style="margin:.75rem 0 0">${esc(message)}</p>`
    + pageHint('Nothing was shared. Try adding the connector again from the application.'));
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
    },
  });
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
}

/**
 * GET /oauth2/authorize. A valid request goes to the consent page (through sign-in when needed: an anonymous
 * request is redirected, never answered 401 — clients probe this URL without following redirects).
 */
export async function handleAuthorize(req: Request, deps: McpOAuthDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const url = new URL(req.url);
  const ip = context(req, deps).ip ?? 'unknown';
  const out = await checkAuthorizationRequest(deps.db, url.searchParams, {
    resource: mcpResourceUrl(deps.cfg.issuer), now, metadataTransport: deps.metadataTransport ?? metadataTransportFor(deps.cfg), metadataTimeoutMs: deps.metadataTimeoutMs,
    mayFetchMetadata: async () => (await hitRateLimit(deps.db, `metadata_fetch:ip:${ip}`, METADATA_FETCH_LIMIT, now)).allowed,
  });
  if (out.kind === 'error_page') return authorizeErrorPage(out.status, out.message);
  if (out.kind === 'redirect_error') {
    return seeOther(redirectWith(out.redirectUri, { error: out.error, error_description: out.description, state: out.state, iss: deps.cfg.issuer }));
  }
  // The consent page signs the person in first when needed (and comes back here with the same request).
  return seeOther(`${deps.cfg.issuer}/connect?${new URLSearchParams({ request: signPendingRequest(deps.cfg.secret, out.request) })}`);
}

/**
 * The token endpoint's MCP half: the authorization_code grant, and refresh_token for MCP clients. Returns null
 * for requests that are not ours (the device grant and the CLI's refresh go on as before).
 */
export async function handleMcpToken(req: Request, params: Map<string, string>, deps: OAuthDeps): Promise<Response | null> {
  const grantType = params.get('grant_type');
  const clientId = clientIdOf(req, params);
  if (grantType !== 'authorization_code' && !(grantType === 'refresh_token' && isMcpClientId(typeof clientId === 'string' ? clientId : null))) return null;
  const now = deps.now?.() ?? new Date();
  if (typeof clientId !== 'string') return oauthErrorResponse(clientId);
  if (!isMcpClientId(clientId)) return oauthErrorResponse(oauthError('unauthorized_client', 'This client may not use the authorization_code grant.'));
  const known = await clientStillExists(deps, clientId);
  if (!known) return oauthErrorResponse(oauthError('invalid_client', 'Unknown or expired client registration; register again.', 401));
  const ctx = context(req, deps);
  if (grantType === 'authorization_code') {
    const code = params.get('code');
    if (!code) return oauthErrorResponse(oauthError('invalid_request', 'Missing code.'));
    const r = await exchangeAuthorizationCode(deps.db, {
      clientId, code, redirectUri: params.get('redirect_uri'), codeVerifier: params.get('code_verifier'), resource: params.get('resource'),
    }, deps.cfg, ctx, now);
    return 'error' in r ? oauthErrorResponse(r) : oauthJson(r);
  }
  const refreshToken = params.get('refresh_token');
  if (!refreshToken) return oauthErrorResponse(oauthError('invalid_request', 'Missing refresh_token.'));
  const limit = await hitRateLimit(deps.db, `refresh:ip:${ctx.ip ?? 'unknown'}`, (deps.network ?? getNetworkConfig()).refreshLimit, now);
  if (!limit.allowed) {
    return oauthErrorResponse(oauthError('temporarily_unavailable', `Too many refresh requests; retry in ${limit.retryAfterSeconds} s.`, 429, { retryAfterSeconds: limit.retryAfterSeconds }));
  }
  const r = await refreshMcpConnection(deps.db, { clientId, refreshToken, resource: params.get('resource'), scope: params.get('scope') }, deps.cfg, ctx, now);
  return 'error' in r ? oauthErrorResponse(r) : oauthJson(r);
}

/** RFC 7009 for MCP clients: revoking either token ends the connection. Null when the client is not an MCP client. */
export async function handleMcpRevoke(req: Request, params: Map<string, string>, deps: OAuthDeps): Promise<Response | null> {
  const clientId = clientIdOf(req, params);
  if (typeof clientId !== 'string' || !isMcpClientId(clientId)) return null;
  const token = params.get('token');
  if (!token) return oauthErrorResponse(oauthError('invalid_request', 'Missing token.'));
  const now = deps.now?.() ?? new Date();
  const hash = hashSecret(token);
  const session = token.startsWith(REFRESH_TOKEN_PREFIX) ? (await q.findRefreshToken(deps.db, hash))?.session
    : token.startsWith(ACCESS_TOKEN_PREFIX) ? (await q.findAccessTokenSession(deps.db, hash))?.session : undefined;
  if (session && session.kind === 'mcp' && session.clientId === clientId && !session.revokedAt) {
    await revokeMcpConnection(deps.db, { sessionId: session.id, userId: session.userId, reason: 'client_revocation' }, context(req, deps), now);
  }
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } });
}

/** client_id of a public client, from the body or HTTP Basic with an empty secret; a secret is refused. */
function clientIdOf(req: Request, params: Map<string, string>): string | ReturnType<typeof oauthError> {
  let id = params.get('client_id');
  const auth = req.headers.get('authorization');
  if (auth && /^Basic /i.test(auth)) {
    let decoded = '';
    try { decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8'); } catch { /* below */ }
    const i = decoded.indexOf(':');
    let basicId = '';
    try { basicId = decodeURIComponent(i >= 0 ? decoded.slice(0, i) : decoded); } catch { basicId = ''; }
    if (i >= 0 && decoded.slice(i + 1)) return oauthError('invalid_client', 'This is a public client; no client secret is accepted.', 401);
    if (id && id !== basicId) return oauthError('invalid_request', 'client_id differs between the body and the Authorization header.');
    id = basicId;
  }
  if (params.has('client_secret')) return oauthError('invalid_client', 'This is a public client; no client secret is accepted.', 401);
  if (!id) return oauthError('invalid_request', 'Missing client_id.');
  return id;
}

/** A registration deleted or expired since: the client must register again (Claude does on 401 invalid_client). */
async function clientStillExists(deps: OAuthDeps, clientId: string): Promise<boolean> {
  if (!clientId.startsWith(DYNAMIC_CLIENT_PREFIX)) return true; // metadata documents: the code or token is bound to this URL
  return (await findOAuthClient(deps.db, clientId)) !== null;
}
