// The tenant's trash (deleted notes, files, projects) as the dashboard sees it: read and changed with the tenant
// client (same routing and rules as /proxy/*; the caller's own tenant only), shapes checked with zod.
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { callTenant, detailWords } from './tenant-call.ts';

const TRASH_ID_RE = /^[0-9a-z]{11}-[0-9a-f]{12}$/;

const TrashItemSchema = z.object({
  id: z.string().regex(TRASH_ID_RE),
  kind: z.enum(['note', 'file', 'project']),
  project: z.string(),
  path: z.string(),
  deleted_at: z.string(),
  expires_at: z.string(),
  size: z.number().int().nonnegative(),
  title: z.string().nullable(),
});
const TrashListSchema = z.object({ items: z.array(TrashItemSchema), retention_days: z.number().int().positive() });
export type TrashList = z.infer<typeof TrashListSchema>;

// A restore or purge moves a whole project at worst: more time than a read.
const MOVE_TIMEOUT_MS = 60_000;

/** The tenant's words for a refusal, or what could not be done. */
const refusal = (r: { status: number; detail: unknown }, fallback: string): HttpError =>
  new HttpError(r.status >= 500 ? 503 : r.status, detailWords(r.detail) ?? fallback);

export async function listTrash(tenantId: string): Promise<TrashList> {
  const r = await callTenant(tenantId, 'GET', '/trash');
  if (!r.ok) throw refusal(r, 'The trash could not be read.');
  const parsed = TrashListSchema.safeParse(r.body);
  if (!parsed.success) throw new HttpError(502, 'The tenant answered with an unexpected trash listing.');
  return parsed.data;
}

export async function restoreTrashItem(tenantId: string, id: string): Promise<void> {
  if (!TRASH_ID_RE.test(id)) throw new HttpError(404, 'Trash item not found.');
  const r = await callTenant(tenantId, 'POST', `/trash/${id}/restore`, { timeoutMs: MOVE_TIMEOUT_MS });
  if (!r.ok) throw refusal(r, 'The item could not be restored.');
}

export async function purgeTrashItem(tenantId: string, id: string): Promise<void> {
  if (!TRASH_ID_RE.test(id)) throw new HttpError(404, 'Trash item not found.');
  const r = await callTenant(tenantId, 'DELETE', `/trash/${id}`, { timeoutMs: MOVE_TIMEOUT_MS });
  if (!r.ok) throw refusal(r, 'The item could not be deleted.');
}
