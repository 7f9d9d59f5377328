// The per-write note history kept by the tenant (tenant/src/history/): the versions of one file (every write
// through the API, MCP or WebDAV that replaced, moved or deleted it, with the reason and who wrote), one version's
// bytes, and "restore this version" (the tenant's atomic write, which keeps what it replaces as a version).
// The tenant id always comes from the authenticated principal.
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { callTenant, detailText, tenantCall } from '../tenants/tenant-call.ts';
import { refusal } from './snapshot-service.ts';

const WriteVersion = z.object({
  id: z.string(),
  key: z.string(),
  reason: z.enum(['edit', 'overwrite', 'move', 'delete', 'restore']),
  actor: z.string(),
  saved_at: z.string(),
  size: z.number(),
  sha256: z.string(),
  moved_to: z.string().nullable(),
});
export type WriteVersion = z.infer<typeof WriteVersion>;
const VersionList = z.object({ versions: z.array(WriteVersion) });
const RestoreAnswer = z.object({ path: z.string(), project: z.string(), file_path: z.string(), version: z.string(), checksum: z.string(), created: z.boolean() });
export type WriteRestoreAnswer = z.infer<typeof RestoreAnswer>;

/** Version ids as the tenant makes them (time in base 36, random hex). */
export const WRITE_VERSION_ID = /^[0-9a-z]{9}-[0-9a-f]{8}$/;

/** The tenant's JSON answer in the shape expected, else a refusal with the tenant's words. */
function answer<T>(schema: z.ZodType<T>, r: Awaited<ReturnType<typeof callTenant>>): T {
  if (!r.ok) throw refusal(r);
  const parsed = schema.safeParse(r.body);
  if (!parsed.success) throw new HttpError(502, 'The tenant answered the note history in an unexpected shape.');
  return parsed.data;
}

/** The versions of `key` (`<project folder>/<path>`) kept at each write, newest first. */
export async function writeVersions(tenantId: string, key: string): Promise<WriteVersion[]> {
  return answer(VersionList, await callTenant(tenantId, 'GET', `/history?path=${encodeURIComponent(key)}`)).versions;
}

export async function readWriteVersion(tenantId: string, key: string, id: string): Promise<Buffer> {
  const r = await tenantCall(tenantId, 'GET', `/history/file?path=${encodeURIComponent(key)}&version=${encodeURIComponent(id)}`);
  if (r.status !== 200) throw refusal({ status: r.status, message: detailText(r) });
  return r.body;
}

/** Puts version `id` back in place; `expectedSha256` (the current file as the person saw it) refuses a changed file (412). */
export async function restoreWriteVersion(tenantId: string, key: string, id: string, expectedSha256?: string): Promise<WriteRestoreAnswer> {
  return answer(RestoreAnswer, await callTenant(tenantId, 'POST', '/history/restore', { json: { path: key, version: id, ...(expectedSha256 ? { expected_checksum: expectedSha256 } : {}) } }));
}
