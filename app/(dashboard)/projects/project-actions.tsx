'use client';
// Sync now / full re-sync for one project: disabled (with the reason) while a run of it is in flight
// or the tenant is not serving; a tenant refusal is shown inline in its own words.
import { Button } from '@/components/ui/button.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { errorText } from '@/lib/cloud-client/fetcher.ts';
import { useSyncProject } from '@/lib/cloud-client/projects/mutations.ts';
import type { ProjectRowDto } from '@/lib/sync-health/dashboard-data.ts';

export function SyncButtons({ project, reachable }: { project: ProjectRowDto; reachable: boolean }) {
  const sync = useSyncProject();
  const busy = !!project.in_flight || (sync.isPending && sync.variables?.name === project.name);
  const why = !reachable ? 'Unavailable while your tenant is not serving.' : busy ? 'A sync of this project is running; wait for it to finish.' : project.history_only ? 'This project is no longer on your tenant.' : null;
  const disabled = why !== null;
  const reasonId = `sync-why-${project.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-1.5">
        <Button size="sm" data-testid="sync-now" disabled={disabled} aria-describedby={why ? reasonId : undefined} title={why ?? 'Sync changed files now'}
          onClick={() => sync.mutate({ name: project.name, force: false })}>Sync now</Button>
        <Button size="sm" data-testid="full-resync" disabled={disabled} aria-describedby={why ? reasonId : undefined} title={why ?? 'Read and re-hash every file'}
          onClick={() => sync.mutate({ name: project.name, force: true })}>Full re-sync</Button>
      </div>
      {why && <p id={reasonId} data-testid="sync-disabled-reason" className="text-xs text-slate-600">{why}</p>}
      {sync.isError && sync.variables?.name === project.name && <Notice inline tone="danger" testId="sync-error" className="text-xs">{errorText(sync.error)}</Notice>}
    </div>
  );
}
