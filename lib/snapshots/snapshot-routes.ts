// Upstream's snapshot API (/api/bucket-snapshots…, bm cloud snapshot|restore, v0.17.8+), declared with apiRoute; the
// route files under app/api/bucket-snapshots export these. Shapes: upstream v0.22.1 cli/commands/cloud/schemas.py;
// errors `{"detail"}`; another person's snapshot is a 404, like an unknown one. Scoped credentials need memory:read
// to list, show and browse, memory:write to create and restore, memory:admin to delete.
import { z } from 'zod';
import type { PrincipalDeps } from '../auth/principal.ts';
import { getDb } from '../db/index.ts';
import { apiRoute, refuseWith } from '../http/api-route.ts';
import { browseSnapshot, createSnapshot, deleteSnapshot, listTenantSnapshots, readSnapshotFile, requireSnapshot, restoreSnapshot } from './snapshot-service.ts';
import { snapshotResponse } from './snapshot-shapes.ts';

const IdParams = z.object({ id: z.string() });
const CreateBody = z.object({ description: z.string().trim().max(500, 'description: at most 500 characters').nullish() });
const BrowseQuery = z.object({ prefix: z.string().max(4096, 'prefix: at most 4096 characters').default('') });
// upstream's {path, as_copy}; `kind` (ours, optional): what a browse listing said the path is, so one file is read alone
const RestoreBody = z.object({ path: z.string().max(4096), as_copy: z.boolean().default(false), kind: z.enum(['file', 'folder']).optional() });
const FileQuery = z.object({ path: z.string().min(1).max(4096) });

/** The routes; `deps` resolves the principal from a test's database instead of the app's. */
export function snapshotRoutes(deps?: PrincipalDeps) {
  return {
    /** GET /api/bucket-snapshots → {snapshots, total}, newest first. */
    list: apiRoute({ deps, tenant: 'own', scope: 'memory:read' }, async ({ tenant }) => {
      const rows = await listTenantSnapshots(await getDb(), tenant.id);
      return { snapshots: rows.map((r) => snapshotResponse(r, tenant.bucketName)), total: rows.length };
    }),

    /** POST /api/bucket-snapshots {"description"} → 201 BucketSnapshotResponse (a manual snapshot, taken now). */
    create: apiRoute({ deps, tenant: 'own', scope: 'memory:write', body: CreateBody, bodyExample: '{"description": "…"}' }, async ({ principal, tenant, body }) => {
      const row = await createSnapshot(await getDb(), tenant.id, { kind: 'manual', description: body.description || null, createdBy: principal.user.id });
      return Response.json(snapshotResponse(row, tenant.bucketName), { status: 201 });
    }),

    /** GET /api/bucket-snapshots/{id} → BucketSnapshotResponse. */
    show: apiRoute({ deps, tenant: 'own', scope: 'memory:read', params: IdParams }, async ({ tenant, params }) =>
      snapshotResponse(await requireSnapshot(await getDb(), tenant.id, params.id), tenant.bucketName)),

    /** DELETE /api/bucket-snapshots/{id} → forgotten in the repository (data freed at the next prune). */
    remove: apiRoute({ deps, tenant: 'own', scope: 'memory:admin', params: IdParams }, async ({ tenant, params }) => {
      const row = await deleteSnapshot(await getDb(), tenant.id, params.id);
      return { message: `Snapshot ${row.id} deleted`, id: row.id, deleted: true };
    }),

    /** GET /api/bucket-snapshots/{id}/browse[?prefix=] → {files:[{key,size,last_modified,etag}], prefix, snapshot_version}. */
    browse: apiRoute({ deps, tenant: 'own', scope: 'memory:read', params: IdParams, query: BrowseQuery }, async ({ tenant, params, query }) => {
      const prefix = query.prefix.replace(/^\/+/, '');
      const r = await browseSnapshot(await getDb(), tenant.id, params.id, prefix);
      return { files: r.files.map((f) => ({ ...f, etag: f.etag ?? null })), prefix, snapshot_version: r.snapshot_version };
    }),

    /**
     * POST /api/bucket-snapshots/{id}/restore {"path", "as_copy"?} → {restored, snapshot_version, snapshot_id} plus
     * `replaced` (each moved to the trash first, with its trash id) and `unchanged`.
     */
    restore: apiRoute({
      deps, tenant: 'own', scope: 'memory:write', params: IdParams, body: RestoreBody, bodyExample: '{"path": "folder/note.md"}',
      invalid: { body: refuseWith(422, 'The body must be {"path": string, "as_copy"?: boolean}.') },
    }, async ({ tenant, params, body }) => {
      const r = await restoreSnapshot(await getDb(), tenant.id, params.id, body.path.replace(/^\/+/, ''), body.as_copy, body.kind);
      return { restored: r.restored, snapshot_version: r.snapshot_version, snapshot_id: params.id, replaced: r.replaced, unchanged: r.unchanged };
    }),

    /** GET /api/bucket-snapshots/{id}/file?path=<key> → the file as the snapshot holds it, as inert text. */
    file: apiRoute({
      deps, tenant: 'own', scope: 'memory:read', params: IdParams, query: FileQuery,
      invalid: { query: refuseWith(422, 'path: the file\'s key is required (at most 4096 characters)') },
    }, async ({ tenant, params, query }) => {
      const bytes = await readSnapshotFile(await getDb(), tenant.id, params.id, query.path.replace(/^\/+/, ''));
      return new Response(new Uint8Array(bytes), {
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-security-policy': "sandbox; default-src 'none'" },
      });
    }),
  };
}
