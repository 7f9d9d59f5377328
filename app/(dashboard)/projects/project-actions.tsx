'use client';
// Sync now / full re-sync for one project: disabled (with the reason) while a run of it is in flight
// or the tenant is not serving; a tenant refusal is shown inline in its own words.
import { ApiError } from '@/lib/cloud-client/fetcher.ts';
import { useSyncProject } from '@/lib/cloud-client/dashboard.ts';
import type { ProjectRowDto } from '@/lib/sync-health/dashboard-data.ts';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const d = err.detail as { message?: string } | string | undefined;
    if (typeof d === 'string') return d;
    if (d && typeof d.message === 'string') return d.message;
    return `Request failed (${err.status})`;
  }
  return err instanceof Error ? err.message : 'Something went wrong';
}

export const btn = 'rounded-lg border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60';

export function SyncButtons({ project, reachable }: { project: ProjectRowDto; reachable: boolean }) {
  const sync = useSyncProject();
  const busy = !!project.in_flight || (sync.isPending && sync.variables?.name === project.name);
  const why = !reachable ? 'Unavailable while your tenant is not serving.' : busy ? 'A sync of this project is running; wait for it to finish.' : project.history_only ? 'This project is no longer on your tenant.' : null;
  const disabled = why !== null;
  const reasonId = `sync-why-${project.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-1.5">
        <button type="button" data-testid="sync-now" className={btn} disabled={disabled} aria-describedby={why ? reasonId : undefined} title={why ?? 'Sync changed files now'}
          onClick={() => sync.mutate({ name: project.name, force: false })}>Sync now</button>
        <button type="button" data-testid="full-resync" className={btn} disabled={disabled} aria-describedby={why ? reasonId : undefined} title={why ?? 'Read and re-hash every file'}
          onClick={() => sync.mutate({ name: project.name, force: true })}>Full re-sync</button>
      </div>
      {why && <p id={reasonId} data-testid="sync-disabled-reason" className="text-xs text-slate-600">{why}</p>}
      {sync.isError && sync.variables?.name === project.name && <p role="alert" data-testid="sync-error" className="text-xs text-red-700">{errorText(sync.error)}</p>}
    </div>
  );
}
