// Handlers of upstream's snapshot API (/api/bucket-snapshots…, bm cloud snapshot|restore, v0.17.8+), one per
// route file under app/api/bucket-snapshots (which wrap them in withPrincipal). Shapes: upstream v0.22.1
// cli/commands/cloud/schemas.py; errors `{"detail"}`; another person's snapshot is a 404, like an unknown one.
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { getDb } from '../db/index.ts';
import { HttpError } from '../http/errors.ts';
import { snapshotTenant } from './snapshot-access.ts';
import { browseSnapshot, createSnapshot, deleteSnapshot, listTenantSnapshots, readSnapshotFile, requireSnapshot, restoreSnapshot } from './snapshot-service.ts';
import { snapshotResponse } from './snapshot-shapes.ts';

type IdCtx = { params: Promise<{ id: string }> };
const noStore = { 'cache-control': 'no-store' };

const CreateBody = z.object({ description: z.string().trim().max(500, 'description: at most 500 characters').nullish() });
const BrowseQuery = z.object({ prefix: z.string().max(4096, 'prefix: at most 4096 characters').default('') });
// upstream's {path, as_copy}; `kind` (ours, optional): what a browse listing said the path is, so one file is read alone
const RestoreBody = z.object({ path: z.string().max(4096), as_copy: z.boolean().default(false), kind: z.enum(['file', 'folder']).optional() });

async function jsonBody(req: Request, example: string): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try { return JSON.parse(text); } catch { throw new HttpError(400, `The body must be JSON: ${example}.`); }
}

/** GET /api/bucket-snapshots → {snapshots, total}, newest first. */
export async function listSnapshotsHandler(_req: Request, p: Principal): Promise<Response> {
  const tenant = snapshotTenant(p, 'read');
  const rows = await listTenantSnapshots(await getDb(), tenant.id);
  return Response.json({ snapshots: rows.map((r) => snapshotResponse(r, tenant.bucketName)), total: rows.length }, { headers: noStore });
}

/** POST /api/bucket-snapshots {"description"} → 201 BucketSnapshotResponse (a manual snapshot, taken now). */
export async function createSnapshotHandler(req: Request, p: Principal): Promise<Response> {
  const tenant = snapshotTenant(p, 'write');
  const body = CreateBody.safeParse(await jsonBody(req, '{"description": "…"}'));
  if (!body.success) throw new HttpError(422, body.error.issues.map((i) => i.message).join('; '));
  const row = await createSnapshot(await getDb(), tenant.id, { kind: 'manual', description: body.data.description || null, createdBy: p.user.id });
  return Response.json(snapshotResponse(row, tenant.bucketName), { status: 201, headers: noStore });
}

/** GET /api/bucket-snapshots/{id} → BucketSnapshotResponse. */
export async function showSnapshotHandler(_req: Request, p: Principal, ctx: IdCtx): Promise<Response> {
  const tenant = snapshotTenant(p, 'read');
  const row = await requireSnapshot(await getDb(), tenant.id, (await ctx.params).id);
  return Response.json(snapshotResponse(row, tenant.bucketName), { headers: noStore });
}

/** DELETE /api/bucket-snapshots/{id} → forgotten in the repository (data freed at the next prune). */
export async function deleteSnapshotHandler(_req: Request, p: Principal, ctx: IdCtx): Promise<Response> {
  const tenant = snapshotTenant(p, 'admin');
  const row = await deleteSnapshot(await getDb(), tenant.id, (await ctx.params).id);
  return Response.json({ message: `Snapshot ${row.id} deleted`, id: row.id, deleted: true });
}

/** GET /api/bucket-snapshots/{id}/browse[?prefix=] → {files:[{key,size,last_modified,etag}], prefix, snapshot_version}. */
export async function browseSnapshotHandler(req: Request, p: Principal, ctx: IdCtx): Promise<Response> {
  const tenant = snapshotTenant(p, 'read');
  const q = BrowseQuery.safeParse({ prefix: new URL(req.url).searchParams.get('prefix') ?? undefined });
  if (!q.success) throw new HttpError(422, q.error.issues.map((i) => i.message).join('; '));
  const prefix = q.data.prefix.replace(/^\/+/, '');
  const r = await browseSnapshot(await getDb(), tenant.id, (await ctx.params).id, prefix);
  return Response.json({ files: r.files.map((f) => ({ ...f, etag: f.etag ?? null })), prefix, snapshot_version: r.snapshot_version }, { headers: noStore });
}

/**
 * POST /api/bucket-snapshots/{id}/restore {"path", "as_copy"?} → {restored, snapshot_version, snapshot_id} plus
 * `replaced` (each moved to the trash first, with its trash id) and `unchanged`.
 */
export async function restoreSnapshotHandler(req: Request, p: Principal, ctx: IdCtx): Promise<Response> {
  const tenant = snapshotTenant(p, 'write');
  const body = RestoreBody.safeParse(await jsonBody(req, '{"path": "folder/note.md"}'));
  if (!body.success) throw new HttpError(422, 'The body must be {"path": string, "as_copy"?: boolean}.');
  const id = (await ctx.params).id;
  const r = await restoreSnapshot(await getDb(), tenant.id, id, body.data.path.replace(/^\/+/, ''), body.data.as_copy, body.data.kind);
  return Response.json({ restored: r.restored, snapshot_version: r.snapshot_version, snapshot_id: id, replaced: r.replaced, unchanged: r.unchanged });
}

/** GET /api/bucket-snapshots/{id}/file?path=<key> → the file as the snapshot holds it, as inert text. */
export async function snapshotFileHandler(req: Request, p: Principal, ctx: IdCtx): Promise<Response> {
  const tenant = snapshotTenant(p, 'read');
  const key = new URL(req.url).searchParams.get('path');
  if (!key || key.length > 4096) throw new HttpError(422, 'path: the file\'s key is required (at most 4096 characters)');
  const bytes = await readSnapshotFile(await getDb(), tenant.id, (await ctx.params).id, key.replace(/^\/+/, ''));
  return new Response(new Uint8Array(bytes), {
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-security-policy': "sandbox; default-src 'none'", ...noStore },
  });
}
