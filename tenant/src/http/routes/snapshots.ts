// Snapshots of the tenant's files (snapshots/snapshot-store.ts, restic). The control plane calls these with
// the signed tenant call; people reach them through its /api/bucket-snapshots routes, which keep the records.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { DiskFullError, RepositoryError, RestoreQuotaError, SnapshotsNotConfiguredError, type SnapshotStore } from '../../snapshots/snapshot-store.ts';
import { ResticError } from '../../snapshots/restic.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError, zodDetail } from '../errors.ts';

const IdParam = z.object({ id: z.string().regex(/^[0-9a-f]{8,64}$/) });
const CreateBody = z.object({
  kind: z.enum(['scheduled', 'manual']).default('manual'),
  run_id: z.string().regex(/^[0-9a-f-]{36}$/).optional(),
  allow_init: z.boolean().default(false),
}).strict();
const BrowseQuery = z.object({ prefix: z.string().max(4096).default('') });
const FileQuery = z.object({ path: z.string().min(1).max(4096) });
const RestoreBody = z.object({ path: z.string().max(4096).default(''), as_copy: z.boolean().default(false), kind: z.enum(['file', 'folder']).optional() }).strict();
const RetentionBody = z.object({
  hourly_hours: z.number().int().min(0).max(24 * 365),
  daily_days: z.number().int().min(0).max(3650),
  weekly_weeks: z.number().int().min(0).max(520),
}).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'body' | 'path'): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    if (where === 'path') throw new HttpError(404, 'Snapshot not found');
    throw new HttpError(422, zodDetail(r.error, where));
  }
  return r.data;
}

/** Repository trouble is a 503 with restic's reason in words; restic's other failures a 500 naming the step. */
async function answer<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof SnapshotsNotConfiguredError) throw new HttpError(503, e.message);
    if (e instanceof RepositoryError) throw new HttpError(503, e.message);
    // 507 Insufficient Storage: the quota or the disk
    if (e instanceof RestoreQuotaError || e instanceof DiskFullError) throw new HttpError(507, e.message);
    if (e instanceof ResticError) throw new HttpError(500, e.message);
    throw e;
  }
}

export function registerSnapshotRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  const store = (): SnapshotStore => {
    if (!runtime.snapshots) throw new HttpError(503, 'Snapshots are not configured for this tenant (BM_SNAPSHOT_REPOSITORY is unset).');
    return runtime.snapshots;
  };
  const rebuild = { config: { duringRebuild: true } };

  app.get('/snapshots', rebuild, async () => answer(async () => ({ snapshots: await store().list() })));

  app.post('/snapshots', rebuild, async (req, reply: FastifyReply) => {
    const body = parse(CreateBody, req.body, 'body');
    const result = await answer(() => store().backup({ kind: body.kind, runId: body.run_id, allowInit: body.allow_init }));
    return reply.code(201).send(result);
  });

  app.get('/snapshots/history', rebuild, async (req) => {
    const q = parse(FileQuery, req.query, 'query');
    return answer(async () => ({ path: q.path, versions: await store().history(q.path) }));
  });

  app.get('/snapshots/:id/files', rebuild, async (req) => {
    const { id } = parse(IdParam, req.params, 'path');
    const q = parse(BrowseQuery, req.query, 'query');
    return answer(async () => ({ files: await store().files(id, q.prefix), prefix: q.prefix, snapshot_version: id }));
  });

  app.get('/snapshots/:id/file', rebuild, async (req, reply: FastifyReply) => {
    const { id } = parse(IdParam, req.params, 'path');
    const q = parse(FileQuery, req.query, 'query');
    const bytes = await answer(() => store().readFile(id, q.path));
    return reply.header('content-type', 'application/octet-stream').send(bytes);
  });

  app.post('/snapshots/:id/restore', async (req) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(RestoreBody, req.body, 'body');
    const result = await answer(() => store().restore(id, body.path, {
      asCopy: body.as_copy,
      kind: body.kind,
      quotaRoom: (replaced) => runtime.quotaRoom(replaced),
      asWriter: (fn) => runtime.engine.asWriter(fn),
      projectOf: (folder) => runtime.registry.list().find((p) => p.folder === folder)?.name ?? null,
    }));
    // the index follows the files: a few notes are indexed at once (a single-file restore stays fast on a big
    // tenant); bigger restores start a project sync (the files are already in place); a restored project folder is discovered
    const small = result.restored.length <= 100 && result.restored.every((k) => k.toLowerCase().endsWith('.md'));
    let discover = false;
    for (const folder of result.projects) {
      const p = runtime.registry.list().find((x) => x.folder === folder);
      if (!p) { discover = true; continue; }
      const mine = result.restored.filter((k) => k.startsWith(folder + '/')).map((k) => k.slice(folder.length + 1));
      if (small) {
        for (const rel of mine) await runtime.engine.indexOneFile(p.name, rel).catch((err: unknown) => req.log.warn({ err, rel }, 'restored note not indexed; the next sync will'));
      } else {
        runtime.sync(p.name, 'api').catch((err: unknown) => req.log.warn({ err, project: p.name }, 'sync after restore failed'));
      }
    }
    if (discover) await runtime.discover();
    return result;
  });

  app.delete('/snapshots/:id', rebuild, async (req) => {
    const { id } = parse(IdParam, req.params, 'path');
    await answer(() => store().forget(id));
    return { forgotten: true, id };
  });

  app.post('/snapshots/retention', rebuild, async (req) => {
    const body = parse(RetentionBody, req.body, 'body');
    return answer(() => store().applyRetention({ hourlyHours: body.hourly_hours, dailyDays: body.daily_days, weeklyWeeks: body.weekly_weeks }));
  });

  app.post('/snapshots/check', rebuild, async () => answer(() => store().check()));
}
