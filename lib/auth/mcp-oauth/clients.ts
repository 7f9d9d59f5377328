// MCP clients that were not configured in advance:
//   - Dynamic Client Registration (RFC 7591): public clients only (`token_endpoint_auth_method: none`), ids
//     `bmcl_…`; a registration never used within a day, or unused for 90 days with no live connection, is
//     deleted — the client then gets `401 invalid_client` and registers again (hosted clients re-register often);
//   - client ID metadata documents: `client_id` is an https URL whose JSON describes the client; fetched safely
//     (client-metadata-fetch.ts), cached per Cache-Control (≤ 7 days), and its `client_id` must equal its URL.
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import type { OAuthClientRow } from '../../db/schema.ts';
import * as q from '../../db/queries/mcp-oauth.ts';
import { randomToken } from '../tokens.ts';
import {
  MetadataFetchError, checkMetadataUrl, fetchMetadataDocument, httpsTransport, type MetadataTransport,
} from './client-metadata-fetch.ts';
import { classifyRedirectUri } from './redirect-uri.ts';

export const DYNAMIC_CLIENT_PREFIX = 'bmcl_';
/** A registration never used is deleted after this long. */
const UNUSED_REGISTRATION_TTL_MS = 24 * 3_600_000;
/** A used registration with no live connection is deleted after this long without use. */
const IDLE_REGISTRATION_TTL_MS = 90 * 86_400_000;

export interface McpClient {
  clientId: string;
  kind: 'dynamic_registration' | 'metadata_document';
  name: string | null;
  clientUri: string | null;
  redirectUris: string[];
}

export interface ClientError { error: 'invalid_client' | 'invalid_client_metadata' | 'invalid_redirect_uri'; description: string }

/** Whether this client id is one of ours to resolve (dynamic or metadata document), not a configured CLI client. */
export function isMcpClientId(clientId: string | undefined | null): boolean {
  return !!clientId && (clientId.startsWith(DYNAMIC_CLIENT_PREFIX) || clientId.startsWith('https://'));
}

function toClient(row: OAuthClientRow): McpClient {
  return { clientId: row.clientId, kind: row.kind, name: row.clientName, clientUri: row.clientUri, redirectUris: row.redirectUris };
}

const httpsUrl = z.string().max(2000).refine((s) => { try { return new URL(s).protocol === 'https:'; } catch { return false; } }, { error: 'must be an https URL' });

/** What we read of a registration request or a metadata document; everything else is ignored. */
const ClientMetadata = z.object({
  redirect_uris: z.array(z.string().max(2000), { error: 'redirect_uris must be an array of URIs' }).min(1, { error: 'redirect_uris must list at least one URI' }).max(20),
  client_name: z.string().trim().min(1).max(200).optional(),
  client_uri: httpsUrl.optional(),
  grant_types: z.array(z.string()).max(10).optional(),
  response_types: z.array(z.string()).max(10).optional(),
  token_endpoint_auth_method: z.string().max(60).optional(),
  scope: z.string().max(500).optional(),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(100).optional(),
  application_type: z.enum(['web', 'native']).optional(),
});
type ClientMetadata = z.output<typeof ClientMetadata>;

/** Nulls are what some clients send for "not given": treat them as absent. */
function withoutNulls(x: unknown): unknown {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return x;
  return Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, v]) => v !== null));
}

function checkMetadata(raw: unknown, opts: { secretMethodsAllowed: boolean }): ClientMetadata | ClientError {
  const parsed = ClientMetadata.safeParse(withoutNulls(raw));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const field = i.path.join('.') || 'body';
    return { error: 'invalid_client_metadata', description: `${field}: ${i.message}` };
  }
  const m = parsed.data;
  for (const uri of m.redirect_uris) {
    const c = classifyRedirectUri(uri);
    if ('error' in c) return { error: 'invalid_redirect_uri', description: c.error };
  }
  const grants = m.grant_types ?? ['authorization_code', 'refresh_token'];
  const badGrant = grants.find((g) => g !== 'authorization_code' && g !== 'refresh_token');
  if (badGrant) return { error: 'invalid_client_metadata', description: `grant_types: '${badGrant.slice(0, 60)}' is not supported (authorization_code, refresh_token).` };
  if (!grants.includes('authorization_code')) return { error: 'invalid_client_metadata', description: 'grant_types must include authorization_code.' };
  const badResponse = (m.response_types ?? ['code']).find((r) => r !== 'code');
  if (badResponse) return { error: 'invalid_client_metadata', description: `response_types: only 'code' is supported.` };
  if (!opts.secretMethodsAllowed && m.token_endpoint_auth_method && m.token_endpoint_auth_method !== 'none') {
    return { error: 'invalid_client_metadata', description: "token_endpoint_auth_method must be 'none' (public clients only)." };
  }
  return m;
}

/**
 * RFC 7591 registration. A client asking for a secret-based method is registered as public all the same and
 * told so in the answer (`token_endpoint_auth_method: none`, no secret), as §3.2.1 allows.
 */
export async function registerClient(db: Database, body: unknown, now: Date): Promise<{ status: 201; body: Record<string, unknown> } | { status: 400; body: ClientError }> {
  const m = checkMetadata(body, { secretMethodsAllowed: true });
  if ('error' in m) return { status: 400, body: m };
  const clientId = randomToken(DYNAMIC_CLIENT_PREFIX, 18);
  const grantTypes = m.grant_types ?? ['authorization_code', 'refresh_token'];
  const accepted: Record<string, unknown> = {
    redirect_uris: m.redirect_uris, grant_types: grantTypes, response_types: ['code'], token_endpoint_auth_method: 'none',
    ...(m.client_name ? { client_name: m.client_name } : {}), ...(m.client_uri ? { client_uri: m.client_uri } : {}),
    ...(m.scope ? { scope: m.scope } : {}), ...(m.software_id ? { software_id: m.software_id } : {}),
    ...(m.software_version ? { software_version: m.software_version } : {}), ...(m.application_type ? { application_type: m.application_type } : {}),
  };
  await q.insertOAuthClient(db, {
    clientId, kind: 'dynamic_registration', clientName: m.client_name ?? null, clientUri: m.client_uri ?? null,
    redirectUris: m.redirect_uris, metadata: accepted, createdAt: now,
  });
  // Optional fields are omitted, never sent as null (strict client validators reject null).
  return { status: 201, body: { client_id: clientId, client_id_issued_at: Math.floor(now.getTime() / 1000), ...accepted } };
}

export interface ClientResolveDeps {
  /** How metadata documents are fetched (default: the production https transport with its SSRF rules). */
  metadataTransport?: MetadataTransport;
  /** Time allowed for a metadata document (default METADATA_TIMEOUT_MS, 10 s; tests shorten it). */
  metadataTimeoutMs?: number;
  /** Asked before each fetch (not for cached documents): false refuses it (a per-address budget of outbound fetches). */
  mayFetchMetadata?: () => Promise<boolean>;
}

/** A dynamic or metadata-document client by id, fetching (or re-fetching) its document when needed. */
export async function resolveMcpClient(db: Database, clientId: string, deps: ClientResolveDeps, now: Date): Promise<McpClient | ClientError> {
  if (clientId.length > 2000) return { error: 'invalid_client', description: 'client_id is too long.' };
  if (clientId.startsWith(DYNAMIC_CLIENT_PREFIX)) {
    const row = await q.findOAuthClient(db, clientId);
    if (!row || row.kind !== 'dynamic_registration') return { error: 'invalid_client', description: 'Unknown or expired client registration; register again.' };
    return toClient(row);
  }
  const url = checkMetadataUrl(clientId);
  if (typeof url === 'string') return { error: 'invalid_client', description: url };
  const cached = await q.findOAuthClient(db, clientId);
  if (cached && cached.kind === 'metadata_document' && cached.metadataExpiresAt && cached.metadataExpiresAt.getTime() > now.getTime()) return toClient(cached);
  if (deps.mayFetchMetadata && !(await deps.mayFetchMetadata())) {
    return { error: 'invalid_client', description: 'Too many client metadata documents fetched from your address; try again in a few minutes.' };
  }
  let fetched: { json: unknown; cacheSeconds: number };
  try {
    fetched = await fetchMetadataDocument(url, deps.metadataTransport ?? httpsTransport, deps.metadataTimeoutMs);
  } catch (err) {
    return { error: 'invalid_client', description: err instanceof MetadataFetchError ? err.message : 'The client metadata document could not be fetched.' };
  }
  const doc = fetched.json as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { error: 'invalid_client', description: 'The client metadata document is not a JSON object.' };
  if (doc.client_id !== clientId) return { error: 'invalid_client', description: 'The metadata document\'s client_id does not equal its URL.' };
  if ('client_secret' in doc || 'client_secret_expires_at' in doc) return { error: 'invalid_client', description: 'A client metadata document must not contain a client secret.' };
  const m = checkMetadata(doc, { secretMethodsAllowed: false });
  if ('error' in m) return { error: 'invalid_client', description: `Client metadata document: ${m.description}` };
  const row = await q.upsertMetadataDocumentClient(db, {
    clientId, kind: 'metadata_document', clientName: m.client_name ?? null, clientUri: m.client_uri ?? null, redirectUris: m.redirect_uris,
    metadata: { client_name: m.client_name, client_uri: m.client_uri, redirect_uris: m.redirect_uris },
    metadataExpiresAt: new Date(now.getTime() + fetched.cacheSeconds * 1000), createdAt: now,
  });
  return toClient(row);
}

/** Housekeeping: unused registrations and stale codes (any instance may run it; it is idempotent). */
export function pruneMcpClients(db: Database, now: Date): Promise<number> {
  return q.pruneMcpOAuthState(db, now, UNUSED_REGISTRATION_TTL_MS, IDLE_REGISTRATION_TTL_MS);
}
