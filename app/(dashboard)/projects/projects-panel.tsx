'use client';
// The projects page's island: create, then one row per project with its derived health, last sync,
// scan type, duration, changes, skipped/errors and note count; actions set default, sync now, full
// re-sync and delete (keep files vs delete notes). Polls only while something runs.
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { Badge } from '@/components/ui/badge.tsx';
import { Button, buttonClass } from '@/components/ui/button.tsx';
import { Card, cardClass } from '@/components/ui/card.tsx';
import { Dialog } from '@/components/ui/dialog.tsx';
import { Input } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { errorText } from '@/lib/cloud-client/fetcher.ts';
import { HealthBadge } from '@/components/ui/health-badge.tsx';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import { changesText, ScanTypeTag } from '@/components/runs/run-history-table.tsx';
import { useCreateProjectMutation, useDeleteProject, useSetDefaultProject } from '@/lib/cloud-client/projects/mutations.ts';
import { useProjectsOverview } from '@/lib/cloud-client/projects/queries.ts';
import type { ProjectRowDto, ProjectsOverviewDto } from '@/lib/sync-health/dashboard-data.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { SyncButtons } from './project-actions.tsx';

function CreateProjectForm({ disabled }: { disabled: boolean }) {
  const [name, setName] = useState('');
  const create = useCreateProjectMutation();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    create.mutate(n, { onSuccess: () => setName('') });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-2 sm:flex-row sm:items-start" aria-label="Create a project">
      <div className="flex-1">
        <label htmlFor="project-name" className="sr-only">Project name</label>
        <Input
          id="project-name" data-testid="project-name-input" value={name} onChange={(e) => setName(e.target.value)}
          placeholder="New project name, e.g. research" maxLength={100} autoComplete="off" disabled={disabled}
        />
        {create.isError && <Notice inline tone="danger" testId="project-create-error" className="mt-1">{errorText(create.error)}</Notice>}
      </div>
      <Button type="submit" variant="primary" data-testid="project-create" disabled={disabled || create.isPending || !name.trim()} className="py-2">
        {create.isPending ? 'Creating…' : 'Create project'}
      </Button>
    </form>
  );
}

function DeleteDialog({ project, onClose }: { project: ProjectRowDto; onClose: () => void }) {
  const del = useDeleteProject();
  const [mode, setMode] = useState<'keep' | 'delete'>('keep');
  const [typed, setTyped] = useState('');
  const confirmOk = mode === 'keep' || typed === project.name;
  return (
    <Dialog open onClose={onClose} title={`Remove project “${project.name}”`} testId="delete-dialog">
      <form onSubmit={(e) => { e.preventDefault(); if (confirmOk) del.mutate({ name: project.name, deleteNotes: mode === 'delete' }, { onSuccess: onClose }); }}>
        <fieldset>
          <legend className="font-medium text-slate-900">What should happen to its notes?</legend>
          <label className="mt-2 flex items-start gap-2">
            <input type="radio" name="delete-mode" value="keep" data-testid="delete-keep" checked={mode === 'keep'} onChange={() => setMode('keep')} className="mt-1" />
            <span><span className="font-medium text-slate-900">Remove the project, keep its files.</span> The folder and every note stay in your storage; add the project again to index them.</span>
          </label>
          <label className="mt-2 flex items-start gap-2">
            <input type="radio" name="delete-mode" value="delete" data-testid="delete-notes" checked={mode === 'delete'} onChange={() => setMode('delete')} className="mt-1" />
            <span><span className="font-medium text-red-800">Delete the notes too.</span> The project folder and its files are deleted from your storage.</span>
          </label>
        </fieldset>
        {mode === 'delete' && (
          <div className="mt-3">
            <label htmlFor="delete-confirm" className="block text-xs text-slate-700">Type <strong className="font-mono">{project.name}</strong> to confirm</label>
            <Input id="delete-confirm" data-testid="delete-confirm-input" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} className="mt-1" />
          </div>
        )}
        {del.isError && <Notice tone="danger" testId="delete-error" className="mt-3">{errorText(del.error)}</Notice>}
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" data-testid="delete-submit" disabled={!confirmOk || del.isPending}>
            {mode === 'delete' ? 'Delete project and notes' : 'Remove project'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ProjectRow({ p, data }: { p: ProjectRowDto; data: ProjectsOverviewDto }) {
  const setDefault = useSetDefaultProject();
  const [deleting, setDeleting] = useState(false);
  const r = p.latest;
  const href = `/projects/${encodeURIComponent(p.name)}`;
  return (
    <li data-testid="project-row" data-project={p.name} data-health={p.health.state} data-latest-run={r?.id ?? ''} aria-busy={p.removing ? 'true' : undefined} className={`px-4 py-3 ${p.removing ? 'opacity-60' : ''}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2">
            <Link href={href} className="truncate font-medium text-brand-700 hover:underline" data-testid="project-name">{p.name}</Link>
            {p.is_default && <Badge tone="brand" icon={null} testId="default-marker">default</Badge>}
            <HealthBadge state={p.health.state} why={p.health.why} />
          </p>
          {p.removing && <p className="mt-1 text-xs text-slate-700" role="status">Removing…</p>}
          {p.in_flight && <p data-testid="project-in-flight" className="mt-1 text-xs text-blue-800" role="status">{p.in_flight.force ? 'Full re-sync' : 'Sync'} running since <RelativeTime iso={p.in_flight.since} now={data.generated_at} />…</p>}
        </div>
        <SyncButtons project={p} reachable={data.reachable} />
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-slate-700 sm:grid-cols-4 lg:grid-cols-7">
        <div><dt className="text-slate-600">Last sync</dt><dd data-testid="project-last-sync">{r ? <RelativeTime iso={r.finished_at ?? r.started_at} now={data.generated_at} /> : 'never'}</dd></div>
        <div><dt className="text-slate-600">Scan type</dt><dd>{r ? <ScanTypeTag scanType={r.scan_type} /> : '—'}</dd></div>
        <div><dt className="text-slate-600">Duration</dt><dd className="tabular-nums">{r ? formatDuration(r.duration_ms) : '—'}</dd></div>
        <div><dt className="text-slate-600"><abbr title="new + · modified ~ · deleted − · moved →" className="no-underline">Changes</abbr></dt><dd className="font-mono" data-testid="project-changes">{r ? changesText(r) : '—'}</dd></div>
        <div><dt className="text-slate-600">Skipped</dt><dd data-testid="project-skipped" className={r?.skipped ? 'font-semibold text-amber-800' : ''}>{r ? r.skipped : '—'}</dd></div>
        <div><dt className="text-slate-600">Errors</dt><dd data-testid="project-errors" className={r?.errors ? 'font-semibold text-red-700' : ''}>{r ? r.errors : '—'}</dd></div>
        <div><dt className="text-slate-600">Notes</dt><dd data-testid="project-notes" className="tabular-nums">{p.note_count ?? '—'}</dd></div>
      </dl>
      {!p.history_only && (
        <div className="mt-2 flex flex-wrap gap-1.5">
          <Link href={`${href}/notes`} data-testid="project-notes-link" aria-label={`Notes of ${p.name}`} className={buttonClass({ size: 'sm' })}>Notes</Link>
          {data.reachable && !p.is_default && <Button size="sm" data-testid="set-default" disabled={setDefault.isPending} onClick={() => setDefault.mutate(p.name)}>Set as default</Button>}
          {data.reachable && <Button size="sm" variant="danger-outline" data-testid="delete-project" onClick={() => setDeleting(true)}>Remove…</Button>}
        </div>
      )}
      {setDefault.isError && <Notice inline tone="danger" testId="set-default-error" className="mt-1 text-xs">{errorText(setDefault.error)}</Notice>}
      {deleting && <DeleteDialog project={p} onClose={() => setDeleting(false)} />}
    </li>
  );
}

export function ProjectsPanel({ initial }: { initial: ProjectsOverviewDto }) {
  const q = useProjectsOverview(initial);
  const data = q.data ?? initial;
  return (
    <div className="flex flex-col gap-4">
      {data.banner && <Notice tone="warning" role="status" testId="tenant-banner">{data.banner}</Notice>}
      <Card as="section">
        <CreateProjectForm disabled={!data.reachable} />
      </Card>
      {data.projects.length === 0 ? (
        <EmptyState testId="projects-empty" title="No projects yet" icon="▤">
          Create your first project above, or from a terminal with <code className="rounded bg-slate-100 px-1">npm run cli -- projects add NAME</code>.
        </EmptyState>
      ) : (
        <ul data-testid="projects-list" aria-label="Projects" className={cardClass({ padding: 'none', className: 'divide-y divide-slate-200 overflow-hidden' })}>
          {data.projects.map((p) => <ProjectRow key={p.name} p={p} data={data} />)}
        </ul>
      )}
    </div>
  );
}
