'use client';
// The API keys list with its create form (name + access; the new key is shown once) and a confirmed revoke.
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { Time } from '@/components/time.tsx';
import { Dialog } from '@/components/ui/dialog.tsx';
import type { ApiKeyDto, ApiKeyScope } from '@/lib/auth/api-keys.ts';
import { useApiKeysQuery, useCreateApiKeyMutation, useRevokeApiKeyMutation } from '@/lib/cloud-client/api-keys-query.ts';

const SCOPE_LABEL: Record<ApiKeyScope, string> = { read_only: 'Read only', read_write: 'Read and write' };

export function ApiKeysPanel({ initial, host }: { initial: ApiKeyDto[]; host: string }) {
  const list = useApiKeysQuery(initial);
  const create = useCreateApiKeyMutation();
  const revoke = useRevokeApiKeyMutation();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyScope>('read_write');
  const [shown, setShown] = useState<{ name: string; key: string; scope: ApiKeyScope } | null>(null);
  const [confirm, setConfirm] = useState<ApiKeyDto | null>(null);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    create.mutate({ name: n, scope }, { onSuccess: (r) => { setShown({ name: r.name, key: r.key, scope: r.scope }); setName(''); } });
  };
  const rows = list.data ?? [];
  return (
    <div className="grid gap-6">
      <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end" aria-label="Create an API key">
        <div>
          <label htmlFor="api-key-name" className="mb-1 block text-sm font-medium text-slate-800">Name</label>
          <input id="api-key-name" data-testid="api-key-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100}
            placeholder="e.g. laptop agent" autoComplete="off"
            className="w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-blue-200" />
        </div>
        <div>
          <label htmlFor="api-key-scope" className="mb-1 block text-sm font-medium text-slate-800">Access</label>
          <select id="api-key-scope" data-testid="api-key-scope" value={scope} onChange={(e) => setScope(e.target.value as ApiKeyScope)}
            className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm">
            <option value="read_write">{SCOPE_LABEL.read_write}</option>
            <option value="read_only">{SCOPE_LABEL.read_only}</option>
          </select>
        </div>
        <button type="submit" data-testid="api-key-create" disabled={create.isPending}
          className="rounded-lg bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">
          {create.isPending ? 'Creating…' : 'Create API key'}
        </button>
        {create.isError && <p role="alert" className="text-sm text-rose-700 sm:col-span-3">{(create.error as Error).message}</p>}
      </form>

      {shown && (
        <section role="status" data-testid="api-key-shown" className="rounded-xl border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900">
          <h2 className="font-semibold">“{shown.name}” created ({SCOPE_LABEL[shown.scope].toLowerCase()}). Copy the key now: it is not shown again.</h2>
          <p className="mt-2 break-all font-mono" data-testid="api-key-secret">{shown.key}</p>
          <p className="mt-2">Use it with the bm CLI:</p>
          <pre className="mt-1 overflow-x-auto rounded bg-white p-2 font-mono text-xs">{`BASIC_MEMORY_CLOUD_HOST=${host} bm cloud api-key save ${shown.key}`}</pre>
          <p className="mt-2">or as <span className="font-mono">Authorization: Bearer …</span> on <span className="break-all font-mono">{host}/proxy/</span>.</p>
          <button type="button" onClick={() => setShown(null)} className="mt-3 rounded-lg border border-emerald-400 bg-white px-3 py-1.5 font-medium">I have copied it</button>
        </section>
      )}

      {rows.length === 0 ? (
        <EmptyState testId="api-keys-empty" title="No API keys" icon="⚿">
          Create one for a script or an agent. Read-only keys can search and read notes but never change them.
        </EmptyState>
      ) : (
        <ul className="grid gap-3" data-testid="api-keys-list">
          {rows.map((r) => (
            <li key={r.id} data-testid="api-key" data-api-key-id={r.id} className="flex flex-wrap items-start justify-between gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
              <div className="min-w-0 text-sm">
                <p className="font-semibold text-slate-900">{r.name} <span className="ml-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700" data-testid="api-key-scope-label">{SCOPE_LABEL[r.scope]}</span></p>
                <p className="mt-1 break-all font-mono text-xs text-slate-600">{r.prefix}…</p>
                <p className="mt-1 text-xs text-slate-600" data-testid="api-key-last-used">
                  Created <Time iso={r.created_at} /> · Last used {r.last_used_at ? <Time iso={r.last_used_at} /> : 'never'}{r.last_used_ip ? ` from ${r.last_used_ip}` : ''}
                </p>
              </div>
              <button type="button" data-testid="api-key-revoke" onClick={() => setConfirm(r)} aria-label={`Revoke ${r.name}`}
                className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">Revoke</button>
            </li>
          ))}
        </ul>
      )}

      <Dialog open={confirm !== null} onClose={() => setConfirm(null)} title={`Revoke “${confirm?.name ?? ''}”?`} testId="api-key-revoke-dialog">
        <p>Anything using this key stops working with its next request. This cannot be undone.</p>
        {revoke.isError && <p role="alert" className="mt-2 text-rose-700">{(revoke.error as Error).message}</p>}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" onClick={() => setConfirm(null)} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 font-medium">Cancel</button>
          <button type="button" data-testid="api-key-revoke-confirm" disabled={revoke.isPending}
            onClick={() => confirm && revoke.mutate(confirm.id, { onSuccess: () => setConfirm(null) })}
            className="rounded-lg bg-rose-700 px-3 py-1.5 font-semibold text-white hover:bg-rose-800 disabled:opacity-60">Revoke key</button>
        </div>
      </Dialog>
    </div>
  );
}
