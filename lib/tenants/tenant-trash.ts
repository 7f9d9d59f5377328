// The tenant's trash (deleted notes, files, projects) as the dashboard sees it: read and changed through the
// tenant proxy (same routing and rules as /proxy/*; the caller's own tenant only), shapes checked with zod.
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { getTenantProxyDeps } from './proxy-deps.ts';
import { proxyToTenant } from './tenant-proxy.ts';

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

async function readBody(body: string | Readable | null): Promise<unknown> {
  if (body == null) return null;
  let text = '';
  if (typeof body === 'string') text = body;
  else for await (const chunk of body) text += chunk;
  try { return JSON.parse(text); } catch { return null; }
}

/** One call to the caller's tenant. The BFF route has already checked the caller (and Origin for cookies). */
async function callTenant(tenantId: string, method: 'GET' | 'POST' | 'DELETE', tenantPath: string): Promise<{ status: number; body: unknown }> {
  const a = await proxyToTenant({ method, rawUrl: `/proxy${tenantPath}`, headers: {}, body: null }, { tenantId, via: 'bearer' }, await getTenantProxyDeps());
  return { status: a.status, body: await readBody(a.body) };
}

function detailOf(body: unknown, fallback: string): string {
  const d = (body as { detail?: unknown } | null)?.detail;
  if (typeof d === 'string') return d;
  if (d && typeof d === 'object' && typeof (d as { message?: unknown }).message === 'string') return (d as { message: string }).message;
  return fallback;
}

export async function listTrash(tenantId: string): Promise<TrashList> {
  const r = await callTenant(tenantId, 'GET', '/trash');
  if (r.status !== 200) throw new HttpError(r.status >= 500 ? 503 : r.status, detailOf(r.body, 'The trash could not be read.'));
  const parsed = TrashListSchema.safeParse(r.body);
  if (!parsed.success) throw new HttpError(502, 'The tenant answered with an unexpected trash listing.');
  return parsed.data;
}

export async function restoreTrashItem(tenantId: string, id: string): Promise<void> {
  if (!TRASH_ID_RE.test(id)) throw new HttpError(404, 'Trash item not found.');
  const r = await callTenant(tenantId, 'POST', `/trash/${id}/restore`);
  if (r.status !== 200) throw new HttpError(r.status >= 500 ? 503 : r.status, detailOf(r.body, 'The item could not be restored.'));
}

export async function purgeTrashItem(tenantId: string, id: string): Promise<void> {
  if (!TRASH_ID_RE.test(id)) throw new HttpError(404, 'Trash item not found.');
  const r = await callTenant(tenantId, 'DELETE', `/trash/${id}`);
  if (r.status !== 200) throw new HttpError(r.status >= 500 ? 503 : r.status, detailOf(r.body, 'The item could not be deleted.'));
}
