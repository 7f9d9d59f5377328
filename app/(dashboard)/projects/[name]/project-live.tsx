'use client';
// The project page's live part: the health badge, sync buttons and "running since…", kept current
// by polling GET /api/projects only while a run is in flight (or just asked for). When a run ends
// and is collected, the server-rendered report, history and charts are refreshed without a reload.
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { Badge } from '@/components/ui/badge.tsx';
import { HealthBadge } from '@/components/ui/health-badge.tsx';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import { useProjectsOverview } from '@/lib/cloud-client/projects/queries.ts';
import type { ProjectsOverviewDto } from '@/lib/sync-health/dashboard-data.ts';
import { SyncButtons } from '../project-actions.tsx';

export function ProjectLive({ name, initial, renderedRunId }: { name: string; initial: ProjectsOverviewDto; renderedRunId: string | null }) {
  const q = useProjectsOverview(initial);
  const data = q.data ?? initial;
  const row = data.projects.find((p) => p.name === name);
  const router = useRouter();
  const latestId = row?.latest?.id ?? null;
  const wasRunning = useRef(!!row?.in_flight);
  useEffect(() => {
    const running = !!row?.in_flight;
    if ((latestId !== renderedRunId && latestId !== null) || (wasRunning.current && !running)) router.refresh();
    wasRunning.current = running;
  }, [latestId, renderedRunId, row?.in_flight, router]);
  if (!row) return null;
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
      <div className="flex flex-wrap items-center gap-2">
        <HealthBadge state={row.health.state} why={row.health.why} testId="project-health" />
        {row.is_default && <Badge tone="brand" icon={null} testId="default-marker">default</Badge>}
        <span className="text-xs text-slate-700">{row.health.why}</span>
      </div>
      <SyncButtons project={row} reachable={data.reachable} />
      <p role="status" data-testid="live-status" data-running={row.in_flight ? 'true' : 'false'} className="sr-only sm:not-sr-only sm:text-xs sm:text-blue-800">
        {row.in_flight ? <>A {row.in_flight.force ? 'full re-sync' : 'sync'} is running (since <RelativeTime iso={row.in_flight.since} now={data.generated_at} />); this page updates when it ends.</> : ''}
      </p>
    </div>
  );
}
