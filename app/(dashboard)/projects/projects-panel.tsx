'use client';
// Projects of the signed-in person's tenant, listed and created through /proxy/projects/projects.
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { TenantStatusBadge } from '@/components/status-badge.tsx';
import { ApiError } from '@/lib/cloud-client/fetcher.ts';
import { useCreateProjectMutation, useProjectsQuery } from '@/lib/cloud-client/projects-query.ts';
import { useMyTenantQuery } from '@/lib/cloud-client/tenant-query.ts';
import type { TenantDto } from '@/lib/tenants/dto.ts';

const SERVING: ReadonlyArray<TenantDto['status']> = ['running', 'rebuilding', 'degraded'];

function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const d = err.detail as { message?: string } | string | undefined;
    if (typeof d === 'string') return d;
    if (d && typeof d.message === 'string') return d.message;
    return `Request failed (${err.status})`;
  }
  return err instanceof Error ? err.message : 'Something went wrong';
}

function TenantStatePanel({ tenant }: { tenant: TenantDto }) {
  const text: Record<string, { title: string; body: string; icon: string }> = {
    provisioning: { title: 'Setting up your tenant', body: 'Your memory API is being provisioned. Projects appear here as soon as it runs — usually within seconds.', icon: '◌' },
    starting: { title: 'Your tenant is starting', body: 'The memory API is starting. This page updates by itself.', icon: '◌' },
    stopped: { title: 'Your tenant is stopped', body: 'It is not running right now. It will be available again once it is started.', icon: '■' },
    failed: { title: 'Your tenant could not start', body: 'It failed to start repeatedly and is waiting for an operator. Your files are safe.', icon: '!' },
  };
  const t = text[tenant.status] ?? text.starting!;
  return (
    <div data-testid="tenant-state-panel" data-status={tenant.status}>
      <EmptyState title={t.title} icon={t.icon}>
        <p>{t.body}</p>
        {tenant.statusDetail && <p className="mt-2 text-xs text-slate-500" data-testid="tenant-state-detail">{tenant.statusDetail}</p>}
        <div className="mt-3 flex justify-center"><TenantStatusBadge status={tenant.status} /></div>
      </EmptyState>
    </div>
  );
}

function CreateProjectForm() {
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
        <input
          id="project-name" data-testid="project-name-input" value={name} onChange={(e) => setName(e.target.value)}
          placeholder="New project name, e.g. research" maxLength={100} autoComplete="off"
          className="w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-blue-200"
        />
        {create.isError && <p role="alert" data-testid="project-create-error" className="mt-1 text-sm text-rose-700">{errorText(create.error)}</p>}
      </div>
      <button
        type="submit" data-testid="project-create" disabled={create.isPending || !name.trim()}
        className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
      >
        {create.isPending ? 'Creating…' : 'Create project'}
      </button>
    </form>
  );
}

export function ProjectsPanel({ initialTenant }: { initialTenant: TenantDto }) {
  const tq = useMyTenantQuery({ initialData: initialTenant });
  const tenant = tq.data ?? initialTenant;
  const serving = SERVING.includes(tenant.status);
  const pq = useProjectsQuery(serving);

  if (!serving) return <TenantStatePanel tenant={tenant} />;

  const unavailable = pq.error instanceof ApiError && (pq.error.status === 503 || pq.error.status === 502);
  return (
    <div className="flex flex-col gap-4">
      <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        <CreateProjectForm />
      </section>
      {tenant.status === 'rebuilding' && (
        <p data-testid="tenant-rebuilding" className="rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-800">Your tenant is rebuilding its search index from your files; search results may be incomplete for a moment.</p>
      )}
      {pq.isPending ? (
        <p data-testid="projects-loading" className="text-sm text-slate-500">Loading projects…</p>
      ) : pq.isError && !pq.data ? (
        <div data-testid="projects-error" role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {unavailable ? 'Your tenant is not answering yet; retrying…' : errorText(pq.error)}
        </div>
      ) : pq.data && pq.data.projects.length === 0 ? (
        <EmptyState testId="projects-empty" title="No projects yet" icon="▤">
          Create your first project above, or from a terminal with <code className="rounded bg-slate-100 px-1">npm run cli -- projects add NAME</code>.
        </EmptyState>
      ) : (
        <ul data-testid="projects-list" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
          {pq.data!.projects.map((p) => (
            <li key={p.name} data-testid="project-row" className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
              <div className="min-w-0">
                <p className="truncate font-medium text-slate-900" data-testid="project-name">{p.name}</p>
                <p className="truncate font-mono text-xs text-slate-500">{p.path}</p>
              </div>
              {p.is_default && <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700 ring-1 ring-inset ring-blue-200">default</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
