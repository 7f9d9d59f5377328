// A person's project runs (sync_runs of their tenant): the filtered, paginated history, one run by id,
// the latest facts per project that project health is derived from, and the tenant's rebuilds.
// Every function takes the db first and the caller's tenant id: nothing here crosses tenants.
import { and, count, desc, eq, gt, gte, isNotNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { syncRuns, type SyncRunRow } from '../schema.ts';
import { latestRunPerProject, syncRunViewColumns, type SyncRunView } from './sync-runs.ts';
import { toDate } from '../queryable.ts';
import type { RunFilters } from '../../sync-health/run-filters.ts';

function outcomeWhere(outcome: RunFilters['outcome']): SQL | undefined {
  switch (outcome) {
    case 'ok': return eq(syncRuns.status, 'ok');
    case 'failed': return ne(syncRuns.status, 'ok');
    case 'with_skipped': return gt(syncRuns.skippedCount, 0);
    case 'unsuccessful': return or(ne(syncRuns.status, 'ok'), gt(syncRuns.errorCount, 0), gt(syncRuns.skippedCount, 0));
    default: return undefined;
  }
}

function projectRunsWhere(tenantId: string, project: string | undefined, f: Pick<RunFilters, 'outcome' | 'scanType' | 'trigger' | 'from' | 'to'>): SQL {
  return and(
    eq(syncRuns.tenantId, tenantId), eq(syncRuns.kind, 'sync'),
    project !== undefined ? eq(syncRuns.project, project) : isNotNull(syncRuns.project),
    gte(syncRuns.startedAt, f.from), lt(syncRuns.startedAt, f.to),
    outcomeWhere(f.outcome),
    f.scanType ? eq(syncRuns.scanType, f.scanType) : undefined,
    f.trigger ? eq(syncRuns.trigger, f.trigger) : undefined,
  )!;
}

/** One page of a project's runs, newest first, plus the total matching the filters. */
export async function listProjectRuns(db: Database, tenantId: string, project: string, f: RunFilters, pageSize: number): Promise<{ runs: SyncRunView[]; total: number }> {
  const where = projectRunsWhere(tenantId, project, f);
  const [runs, [totalRow]] = await Promise.all([
    db.select(syncRunViewColumns).from(syncRuns).where(where)
      .orderBy(desc(syncRuns.startedAt), desc(syncRuns.runId)).limit(pageSize).offset((f.page - 1) * pageSize),
    db.select({ n: count() }).from(syncRuns).where(where),
  ]);
  return { runs, total: Number(totalRow?.n ?? 0) };
}

/** One run of the caller's tenant, with its per-file lists; null for any other tenant's id. */
export async function getProjectRun(db: Database, tenantId: string, runId: string): Promise<SyncRunRow | null> {
  if (runId.length > 100) return null;
  const [row] = await db.select().from(syncRuns).where(and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.runId, runId))).limit(1);
  return row ?? null;
}

/** The newest run of a project (full row), or null. */
export async function latestProjectRun(db: Database, tenantId: string, project: string): Promise<SyncRunRow | null> {
  const [row] = await db.select().from(syncRuns)
    .where(and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.kind, 'sync'), eq(syncRuns.project, project)))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.runId)).limit(1);
  return row ?? null;
}

export interface ProjectRunFacts { project: string; latest: SyncRunView; lastOkAt: Date | null; runCount: number }

/** Per project of a tenant: its newest run, when it last succeeded and how many runs are stored. */
export async function projectRunFacts(db: Database, tenantId: string): Promise<Map<string, ProjectRunFacts>> {
  const scope = and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.kind, 'sync'), isNotNull(syncRuns.project));
  const [latest, agg] = await Promise.all([
    latestRunPerProject(db, tenantId),
    db.select({
      project: syncRuns.project,
      lastOkAt: sql<Date | string | null>`max(${syncRuns.finishedAt}) filter (where ${syncRuns.status} = 'ok')`,
      runs: count(),
    }).from(syncRuns).where(scope).groupBy(syncRuns.project),
  ]);
  const out = new Map<string, ProjectRunFacts>();
  for (const r of latest) out.set(r.project!, { project: r.project!, latest: r, lastOkAt: null, runCount: 0 });
  for (const a of agg) {
    const f = out.get(a.project!);
    if (f) { f.lastOkAt = toDate(a.lastOkAt); f.runCount = Number(a.runs); }
  }
  return out;
}

/**
 * When each skipped path last failed: the newest run (up to `before`) that lists it among its errors.
 * The tenant records only the first failure; the third one — after which the file is skipped — is an error of an earlier run.
 */
export async function lastFailureTimes(db: Database, tenantId: string, project: string, paths: string[], before: Date): Promise<Map<string, Date>> {
  if (paths.length === 0) return new Map();
  // jsonb_array_elements has no builder form.
  const e = sql`e`;
  const rows = await db.select({ path: sql<string>`${e}->>'path'`, at: sql<Date | string>`max(coalesce(${syncRuns.finishedAt}, ${syncRuns.startedAt}))` })
    .from(sql`${syncRuns}, jsonb_array_elements(${syncRuns.errors}) as ${e}`)
    .where(and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.project, project), eq(syncRuns.kind, 'sync'), lt(syncRuns.startedAt, new Date(before.getTime() + 1)),
      sql`${e}->>'path' in ${paths.slice(0, 500)}`))
    .groupBy(sql`1`);
  return new Map(rows.map((r) => [r.path, toDate(r.at)]));
}
