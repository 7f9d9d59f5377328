'use client';
// The projects page's island: create, then one row per project with its derived health, last sync,
// scan type, duration, changes, skipped/errors and note count; actions set default, sync now, full
// re-sync and delete (keep files vs delete notes). Polls only while something runs.
import Link from 'next/link';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { dashboardKeys } from '@/lib/cloud-client/keys.ts';
import { EmptyState } from '@/components/empty-state.tsx';
import { Dialog } from '@/components/ui/dialog.tsx';
import { HealthBadge } from '@/components/ui/health-badge.tsx';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import { changesText, ScanTypeTag } from '@/components/runs/run-history-table.tsx';
import { useDeleteProject, useProjectsOverview, useSetDefaultProject } from '@/lib/cloud-client/dashboard.ts';
import { useCreateProjectMutation } from '@/lib/cloud-client/projects-query.ts';
import type { ProjectRowDto, ProjectsOverviewDto } from '@/lib/sync-health/dashboard-data.ts';
import { formatDuration } from '@/lib/format/durations.ts';
import { btn, errorText, SyncButtons } from './project-actions.tsx';

function CreateProjectForm({ disabled }: { disabled: boolean }) {
  const [name, setName] = useState('');
  const create = useCreateProjectMutation();
  const qc = useQueryClient();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    create.mutate(n, { onSuccess: () => { setName(''); void qc.invalidateQueries({ queryKey: dashboardKeys.projects() }); } });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-2 sm:flex-row sm:items-start" aria-label="Create a project">
      <div className="flex-1">
        <label htmlFor="project-name" className="sr-only">Project name</label>
        <input
          id="project-name" data-testid="project-name-input" value={name} onChange={(e) => setName(e.target.value)}
          placeholder="New project name, e.g. research" maxLength={100} autoComplete="off" disabled={disabled}
          className="w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-blue-200"
        />
        {create.isError && <p role="alert" data-testid="project-create-error" className="mt-1 text-sm text-rose-700">{errorText(create.error)}</p>}
      </div>
      <button
        type="submit" data-testid="project-create" disabled={disabled || create.isPending || !name.trim()}
        className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
      >
        {create.isPending ? 'Creating…' : 'Create project'}
      </button>
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
            <input id="delete-confirm" data-testid="delete-confirm-input" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)}
              className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-red-200" />
          </div>
        )}
        {del.isError && <p role="alert" data-testid="delete-error" className="mt-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">{errorText(del.error)}</p>}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className={btn} onClick={onClose}>Cancel</button>
          <button type="submit" data-testid="delete-submit" disabled={!confirmOk || del.isPending}
            className="rounded-lg bg-red-700 px-3 py-1.5 text-xs font-medium text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-50">
            {mode === 'delete' ? 'Delete project and notes' : 'Remove project'}
          </button>
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
            {p.is_default && <span data-testid="default-marker" className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700 ring-1 ring-inset ring-blue-200">default</span>}
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
          <Link href={`${href}/notes`} data-testid="project-notes-link" aria-label={`Notes of ${p.name}`} className={btn}>Notes</Link>
          {data.reachable && !p.is_default && <button type="button" data-testid="set-default" className={btn} disabled={setDefault.isPending} onClick={() => setDefault.mutate(p.name)}>Set as default</button>}
          {data.reachable && <button type="button" data-testid="delete-project" className={`${btn} text-red-800`} onClick={() => setDeleting(true)}>Remove…</button>}
        </div>
      )}
      {setDefault.isError && <p role="alert" data-testid="set-default-error" className="mt-1 text-xs text-red-700">{errorText(setDefault.error)}</p>}
      {deleting && <DeleteDialog project={p} onClose={() => setDeleting(false)} />}
    </li>
  );
}

export function ProjectsPanel({ initial }: { initial: ProjectsOverviewDto }) {
  const q = useProjectsOverview(initial);
  const data = q.data ?? initial;
  return (
    <div className="flex flex-col gap-4">
      {data.banner && <p role="status" data-testid="tenant-banner" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{data.banner}</p>}
      <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        <CreateProjectForm disabled={!data.reachable} />
      </section>
      {data.projects.length === 0 ? (
        <EmptyState testId="projects-empty" title="No projects yet" icon="▤">
          Create your first project above, or from a terminal with <code className="rounded bg-slate-100 px-1">npm run cli -- projects add NAME</code>.
        </EmptyState>
      ) : (
        <ul data-testid="projects-list" aria-label="Projects" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
          {data.projects.map((p) => <ProjectRow key={p.name} p={p} data={data} />)}
        </ul>
      )}
    </div>
  );
}
