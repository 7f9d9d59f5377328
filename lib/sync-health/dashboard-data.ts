// What the person's dashboard shows, loaded in ONE place for both the pages (server components) and
// the BFF routes (/api/projects…), so the page and its JSON always agree. Stored history comes from
// Postgres; live facts (projects, syncs in flight, note counts) from the tenant when it serves —
// when it does not, history still shows with a banner saying why live actions are unavailable.
import 'server-only';
import { z } from 'zod';
import { getConfig } from '../config/index.ts';
import { getSyncHealthSettings } from '../config/sync-health.ts';
import type { Database } from '../db/client.ts';
import type { Tenant } from '../db/schema.ts';
import { getProjectRun, lastFailureTimes, latestProjectRun, listProjectRuns, projectRunFacts } from '../db/queries/project-runs.ts';
import { rebuildHistory } from '../db/queries/sync-runs.ts';
import { durationPerBucket, filesScannedPerBucket, runsPerBucket } from '../db/queries/run-series.ts';
import { getTenantRoute } from '../db/queries/tenants-runtime.ts';
import { getTenantServices } from '../tenants/services.ts';
import { callTenant } from '../tenants/tenant-call.ts';
import { deriveProjectHealth, type HealthState } from './project-health.ts';
import { toRunDetailDto, toRunDto, type RunDetailDto, type RunDto } from './run-dto.ts';
import { PAGE_SIZE, type RunFilters } from './run-filters.ts';

interface ActiveSyncDto { project: string; trigger: string; force: boolean; since: string; queued: boolean }
interface LiveFacts {
  /** The tenant answered. */
  reachable: boolean;
  /** Why live facts/actions are unavailable (null when reachable). */
  banner: string | null;
  projects: { name: string; path: string; is_default: boolean }[] | null;
  active: ActiveSyncDto[];
}

const BANNERS: Record<string, string> = {
  provisioning: 'Your tenant is being set up; live actions are unavailable until it runs. Stored history is shown.',
  starting: 'Your tenant is starting; live actions are unavailable for a moment. Stored history is shown.',
  rebuilding: 'Your tenant is rebuilding its index from your files; syncs wait until it finishes. Stored history is shown.',
  degraded: 'Your tenant is having problems and may not answer; stored history is shown.',
  stopped: 'Your tenant is stopped, so nothing syncs and live actions are unavailable. Stored history is shown.',
  failed: 'Your tenant failed to start and is waiting for an operator; live actions are unavailable. Stored history is shown.',
};

/** Projects and syncs in flight, from the tenant (when it serves). */
async function loadLiveFacts(tenant: Pick<Tenant, 'id' | 'status'>): Promise<LiveFacts> {
  // A sleeping tenant is woken by these calls (the tenant proxy waits for it), like any request.
  if (tenant.status !== 'running' && tenant.status !== 'rebuilding' && tenant.status !== 'degraded' && tenant.status !== 'sleeping') {
    return { reachable: false, banner: BANNERS[tenant.status] ?? 'Your tenant is not serving right now. Stored history is shown.', projects: null, active: [] };
  }
  const [projects, active] = await Promise.all([
    callTenant<{ projects: { name: string; path: string; is_default: boolean }[] }>(tenant.id, 'GET', '/projects/projects'),
    callTenant<{ runs: ActiveSyncDto[] }>(tenant.id, 'GET', '/sync-runs/active'),
  ]);
  if (!projects.ok) {
    return { reachable: false, banner: `Your tenant is not answering (${projects.message}); stored history is shown.`, projects: null, active: [] };
  }
  return {
    reachable: true,
    // It answered: a tenant that was asleep is awake now.
    banner: tenant.status === 'running' || tenant.status === 'sleeping' ? null : BANNERS[tenant.status]!,
    projects: projects.body.projects.map((p) => ({ name: p.name, path: p.path, is_default: !!p.is_default })),
    active: active.ok ? active.body.runs : [],
  };
}

/** After a run ended, pull the tenant's new runs into Postgres now instead of waiting for the next round. */
async function collectNow(tenantId: string, db: Database): Promise<void> {
  const services = await getTenantServices();
  const route = await getTenantRoute(db, tenantId);
  if (services?.collector && route?.baseUrl) await services.collector.collectTenant(tenantId, route.baseUrl).catch(() => undefined);
}

interface CurrentProblemDto { path: string; kind: 'error' | 'skipped' | 'warning'; message: string; since: string; failure_count: number }
export interface CurrentProblemsDto { errors: number; skipped: number; warnings: number; files: CurrentProblemDto[] }

const CurrentProblemsAnswer = z.object({
  projects: z.array(z.object({
    project: z.string(), errors: z.number().int().min(0), skipped: z.number().int().min(0), warnings: z.number().int().min(0),
    files: z.array(z.object({ path: z.string(), kind: z.enum(['error', 'skipped', 'warning']), message: z.string().max(2000),
      since: z.string(), failure_count: z.number().int().min(0) })).max(500),
  })).max(1000),
});

/** The tenant's current problems per project; null when it cannot answer (health then rests on the runs alone). */
async function loadCurrentProblems(tenantId: string): Promise<Map<string, CurrentProblemsDto> | null> {
  const r = await callTenant<unknown>(tenantId, 'GET', '/sync/problems?limit=50', { timeoutMs: 3000 });
  const parsed = r.ok ? CurrentProblemsAnswer.safeParse(r.body) : null;
  if (!parsed?.success) return null;
  return new Map(parsed.data.projects.map((p) => [p.project, { errors: p.errors, skipped: p.skipped, warnings: p.warnings, files: p.files }]));
}

export interface ProjectRowDto {
  name: string;
  path: string | null;
  is_default: boolean;
  /** Only in stored history (the tenant no longer lists it, or it is unreachable). */
  history_only: boolean;
  health: { state: HealthState; label: string; why: string };
  in_flight: ActiveSyncDto | null;
  latest: RunDto | null;
  last_ok_at: string | null;
  note_count: number | null;
  run_count: number;
  /** Files with a problem now (until fixed or removed), from the tenant; null when it could not be asked. */
  problems: CurrentProblemsDto | null;
  /** Client-side only: a removal is on its way (optimistic). */
  removing?: boolean;
}

export interface ProjectsOverviewDto {
  tenant: { id: string; status: string };
  reachable: boolean;
  banner: string | null;
  generated_at: string;
  sync_interval_seconds: number;
  projects: ProjectRowDto[];
}

export async function loadProjectsOverview(db: Database, tenant: Tenant, opts: { now?: Date; collect?: boolean } = {}): Promise<ProjectsOverviewDto> {
  if (opts.collect) await collectNow(tenant.id, db);
  const now = opts.now ?? new Date();
  const [live, facts] = await Promise.all([loadLiveFacts(tenant), projectRunFacts(db, tenant.id)]);
  const interval = getConfig().tenants.syncIntervalSeconds;
  const settings = getSyncHealthSettings();
  const names = live.projects ? live.projects.map((p) => p.name) : [...facts.keys()].sort();
  // Note counts from the tenant's project info (statistics.total_entities); a slow or failed answer leaves "—".
  const counts = new Map<string, number>();
  const problemsP = live.reachable ? loadCurrentProblems(tenant.id) : Promise.resolve(null);
  if (live.reachable && live.projects) {
    await Promise.all(live.projects.slice(0, 50).map(async (p) => {
      const r = await callTenant<{ statistics?: { total_entities?: number } }>(tenant.id, 'GET', `/${encodeURIComponent(p.name)}/project/info`, { timeoutMs: 3000 });
      if (r.ok && typeof r.body?.statistics?.total_entities === 'number') counts.set(p.name, r.body.statistics.total_entities);
    }));
  }
  const problems = await problemsP;
  const projects: ProjectRowDto[] = names.map((name) => {
    const lp = live.projects?.find((p) => p.name === name);
    const f = facts.get(name);
    const active = live.active.find((a) => a.project === name) ?? null;
    const h = deriveProjectHealth({
      latestRun: f ? { status: f.latest.status, at: f.latest.finishedAt ?? f.latest.startedAt, skipped: f.latest.skippedCount, errors: f.latest.errorCount } : null,
      latestSuccessfulRun: f?.lastOkAt ? { at: f.lastOkAt } : null,
      inFlight: !!active, tenantStatus: tenant.status, intervalSeconds: interval, currentProblems: problems?.get(name) ?? null,
    }, { now, settings });
    return {
      name, path: lp?.path ?? null, is_default: lp?.is_default ?? false, history_only: !lp,
      health: { state: h.state, label: h.label, why: h.why }, in_flight: active,
      latest: f ? toRunDto(f.latest) : null, last_ok_at: f?.lastOkAt?.toISOString() ?? null,
      note_count: counts.get(name) ?? null, run_count: f?.runCount ?? 0, problems: problems?.get(name) ?? null,
    };
  });
  return {
    tenant: { id: tenant.id, status: tenant.status }, reachable: live.reachable, banner: live.banner,
    generated_at: now.toISOString(), sync_interval_seconds: interval, projects,
  };
}

export interface SeriesDto {
  bucket_seconds: number;
  from: string;
  to: string;
  runs: { bucket: string; scan_type: string; runs: number; failed: number }[];
  duration: { bucket: string; scan_type: string; p50_ms: number; p95_ms: number; runs: number }[];
  files: { bucket: string; files_scanned: number; runs: number }[];
}

export interface ProjectPageDto {
  project: ProjectRowDto;
  latest: RunDetailDto | null;
  runs: RunDto[];
  total: number;
  page: number;
  page_size: number;
  series: SeriesDto;
  reachable: boolean;
  banner: string | null;
  generated_at: string;
}

/** Everything the project page shows; null when the project is neither on the tenant nor in its history (→ 404). */
export async function loadProjectPage(db: Database, tenant: Tenant, name: string, filters: RunFilters, opts: { now?: Date; collect?: boolean; overview?: ProjectsOverviewDto } = {}): Promise<ProjectPageDto | null> {
  const overview = opts.overview ?? await loadProjectsOverview(db, tenant, opts);
  const project = overview.projects.find((p) => p.name === name);
  if (!project) return null;
  const range = { from: filters.from, to: filters.to };
  const [latestRow, page, runs, duration, files] = await Promise.all([
    latestProjectRun(db, tenant.id, name),
    listProjectRuns(db, tenant.id, name, filters, PAGE_SIZE),
    runsPerBucket(db, tenant.id, name, range),
    durationPerBucket(db, tenant.id, name, range),
    filesScannedPerBucket(db, tenant.id, name, range),
  ]);
  const latest = latestRow ? toRunDetailDto(latestRow, await lastFailureTimes(db, tenant.id, name, skippedPaths(latestRow.skippedFiles), latestRow.startedAt)) : null;
  return {
    project, latest, runs: page.runs.map((r) => toRunDto(r)), total: page.total, page: filters.page, page_size: PAGE_SIZE,
    series: {
      bucket_seconds: runs.bucketSeconds, from: filters.from.toISOString(), to: filters.to.toISOString(),
      runs: runs.rows.map((r) => ({ bucket: r.bucket.toISOString(), scan_type: r.scanType, runs: r.runs, failed: r.failed })),
      duration: duration.rows.map((r) => ({ bucket: r.bucket.toISOString(), scan_type: r.scanType, p50_ms: r.p50Ms, p95_ms: r.p95Ms, runs: r.runs })),
      files: files.rows.map((r) => ({ bucket: r.bucket.toISOString(), files_scanned: r.filesScanned, runs: r.runs })),
    },
    reachable: overview.reachable, banner: overview.banner, generated_at: overview.generated_at,
  };
}

const skippedPaths = (v: unknown): string[] =>
  (Array.isArray(v) ? v : []).flatMap((x) => (x && typeof x === 'object' && typeof (x as { path?: unknown }).path === 'string' ? [(x as { path: string }).path] : []));

/** One run of one project of the caller's tenant (null → 404, whatever the id says). */
export async function loadRunDetail(db: Database, tenantId: string, project: string, runId: string): Promise<RunDetailDto | null> {
  const row = await getProjectRun(db, tenantId, runId);
  if (!row || row.project !== project || row.kind !== 'sync') return null;
  return toRunDetailDto(row, await lastFailureTimes(db, tenantId, project, skippedPaths(row.skippedFiles), row.startedAt));
}

export interface RebuildsDto { rebuilds: RunDto[]; latest: RunDto | null; previous_median_ms: number | null }

/** The tenant's index rebuilds and how the latest compares with the ones before it. */
export async function loadRebuilds(db: Database, tenantId: string): Promise<RebuildsDto> {
  const rows = (await rebuildHistory(db, { tenantId, limit: 200 })).map((r) => toRunDto(r));
  const prev = rows.slice(1, 11).map((r) => r.duration_ms).sort((a, b) => a - b);
  const median = prev.length ? (prev.length % 2 ? prev[(prev.length - 1) / 2]! : (prev[prev.length / 2 - 1]! + prev[prev.length / 2]!) / 2) : null;
  return { rebuilds: rows, latest: rows[0] ?? null, previous_median_ms: median };
}
