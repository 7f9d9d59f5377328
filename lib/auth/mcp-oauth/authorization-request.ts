// GET /oauth2/authorize for MCP clients (authorization code + PKCE S256, RFC 8707 resource, RFC 9207 iss).
// The request is checked in RFC 6749 §4.1.2.1 order: a bad client or redirect URI can never be redirected to
// (an error page); anything else goes back to the client's redirect URI with `error=` (+ state, iss).
// A valid request travels to the consent page as a signed, short-lived token, so nothing is stored before the
// person decides and the page can trust what it shows.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { touchOAuthClient } from '../../db/queries/mcp-oauth.ts';
import { resolveMcpClient, type ClientResolveDeps, type McpClient } from './clients.ts';
import { redirectUriMatches } from './redirect-uri.ts';
import { parseRequestedScope, type MemoryScope } from './scopes.ts';

/** How long the consent page accepts a request after /oauth2/authorize checked it. */
const PENDING_REQUEST_TTL_SECONDS = 15 * 60;

export interface PendingRequest {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string | null;
  resource: string;
  groups: MemoryScope[];
  /** Issued at (seconds). */
  iat: number;
}

export type AuthorizeOutcome =
  | { kind: 'error_page'; status: number; message: string }
  | { kind: 'redirect_error'; redirectUri: string; error: string; description: string; state: string | null }
  | { kind: 'ok'; request: PendingRequest; client: McpClient };

const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/** Checks an authorization request's query (repeated parameters are refused, RFC 6749 §3.1). */
export async function checkAuthorizationRequest(
  db: Database, query: URLSearchParams, opts: { resource: string; now: Date } & ClientResolveDeps,
): Promise<AuthorizeOutcome> {
  for (const k of new Set(query.keys())) {
    if (query.getAll(k).length > 1 && k !== 'resource') return { kind: 'error_page', status: 400, message: `The parameter '${k.slice(0, 40)}' was sent more than once.` };
  }
  const clientId = query.get('client_id');
  if (!clientId) return { kind: 'error_page', status: 400, message: 'The request has no client_id.' };
  const client = await resolveMcpClient(db, clientId, opts, opts.now);
  if ('error' in client) return { kind: 'error_page', status: 400, message: `This application could not be identified: ${client.description}` };
  let redirectUri = query.get('redirect_uri');
  if (!redirectUri) {
    if (client.redirectUris.length !== 1) return { kind: 'error_page', status: 400, message: 'The request has no redirect_uri.' };
    redirectUri = client.redirectUris[0]!;
  }
  if (!redirectUriMatches(redirectUri, client.redirectUris)) {
    return { kind: 'error_page', status: 400, message: 'The redirect URI is not one this application registered, so we will not send you there.' };
  }
  const state = query.get('state');
  const back = (error: string, description: string): AuthorizeOutcome => ({ kind: 'redirect_error', redirectUri: redirectUri!, error, description, state });
  if (state !== null && (state.length > 2000 || !/^[\x20-\x7e]*$/.test(state))) return back('invalid_request', 'state must be at most 2000 printable ASCII characters.');
  const responseType = query.get('response_type');
  if (responseType !== 'code') return back('unsupported_response_type', "Only response_type=code is supported.");
  const challenge = query.get('code_challenge');
  if (!challenge) return back('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
  if (query.get('code_challenge_method') !== 'S256') return back('invalid_request', 'code_challenge_method must be S256.');
  if (!S256_CHALLENGE.test(challenge)) return back('invalid_request', 'code_challenge must be 43 base64url characters (S256).');
  const resources = query.getAll('resource');
  if (resources.length > 1) return back('invalid_target', 'Only one resource may be requested.');
  if (resources.length === 1 && resources[0] !== opts.resource) return back('invalid_target', `Unknown resource; this server's resource is ${opts.resource}.`);
  const scope = parseRequestedScope(query.get('scope'));
  if ('error' in scope) return back('invalid_scope', scope.error);
  await touchOAuthClient(db, client.clientId, opts.now);
  return {
    kind: 'ok', client,
    request: {
      clientId: client.clientId, redirectUri, codeChallenge: challenge, state, resource: opts.resource, groups: scope.groups,
      iat: Math.floor(opts.now.getTime() / 1000),
    },
  };
}

/** The client's redirect URI with the answer's parameters (code or error, state, iss). */
export function redirectWith(redirectUri: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v != null) url.searchParams.set(k, v);
  return url.toString();
}

// ---------------------------------------------------------------- the signed pending request

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update('mcp-pending:' + payload).digest('base64url');
}

const PendingShape = z.object({
  clientId: z.string().max(2000), redirectUri: z.string().max(2000), codeChallenge: z.string().regex(S256_CHALLENGE),
  state: z.string().max(2000).nullable(), resource: z.string().max(2000),
  groups: z.array(z.enum(['memory:read', 'memory:write', 'memory:admin'])).min(1), iat: z.number().int(),
});

export function signPendingRequest(secret: string, r: PendingRequest): string {
  const payload = Buffer.from(JSON.stringify(r)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The request the token carries, if its signature holds and it is fresh; else null. */
export function readPendingRequest(secret: string, token: unknown, now: Date): PendingRequest | null {
  if (typeof token !== 'string' || token.length > 12_000) return null;
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const want = Buffer.from(mac(secret, payload)); const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { return null; }
  const r = PendingShape.safeParse(parsed);
  if (!r.success) return null;
  const age = now.getTime() / 1000 - r.data.iat;
  return age >= -60 && age <= PENDING_REQUEST_TTL_SECONDS ? r.data : null;
}
