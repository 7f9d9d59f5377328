'use client';
// The API keys list with its create form (name + access; the new key is shown once) and a confirmed revoke.
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { Time } from '@/components/time.tsx';
import { Badge } from '@/components/ui/badge.tsx';
import { Button } from '@/components/ui/button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { Field, Input, inputClass } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import type { ApiKeyDto, ApiKeyScope } from '@/lib/auth/api-keys.ts';
import { useCreateApiKeyMutation, useRevokeApiKeyMutation } from '@/lib/cloud-client/api-keys/mutations.ts';
import { useApiKeysQuery } from '@/lib/cloud-client/api-keys/queries.ts';

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
        <Field label="Name" htmlFor="api-key-name">
          <Input id="api-key-name" data-testid="api-key-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100}
            placeholder="e.g. laptop agent" autoComplete="off" />
        </Field>
        <Field label="Access" htmlFor="api-key-scope">
          <select id="api-key-scope" data-testid="api-key-scope" value={scope} onChange={(e) => setScope(e.target.value as ApiKeyScope)} className={inputClass}>
            <option value="read_write">{SCOPE_LABEL.read_write}</option>
            <option value="read_only">{SCOPE_LABEL.read_only}</option>
          </select>
        </Field>
        <Button type="submit" variant="primary" data-testid="api-key-create" disabled={create.isPending} className="py-2">
          {create.isPending ? 'Creating…' : 'Create API key'}
        </Button>
        {create.isError && <Notice inline tone="danger" className="sm:col-span-3">{create.error.message}</Notice>}
      </form>

      {shown && (
        <section role="status" data-testid="api-key-shown" className="rounded-xl border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900">
          <h2 className="font-semibold">“{shown.name}” created ({SCOPE_LABEL[shown.scope].toLowerCase()}). Copy the key now: it is not shown again.</h2>
          <p className="mt-2 break-all font-mono" data-testid="api-key-secret">{shown.key}</p>
          <p className="mt-2">Use it with the bm CLI:</p>
          <pre className="mt-1 overflow-x-auto rounded bg-white p-2 font-mono text-xs">{`BASIC_MEMORY_CLOUD_HOST=${host} bm cloud api-key save ${shown.key}`}</pre>
          <p className="mt-2">or as <span className="font-mono">Authorization: Bearer …</span> on <span className="break-all font-mono">{host}/proxy/</span>.</p>
          <Button onClick={() => setShown(null)} className="mt-3">I have copied it</Button>
        </section>
      )}

      {rows.length === 0 ? (
        <EmptyState testId="api-keys-empty" title="No API keys" icon="⚿">
          Create one for a script or an agent. Read-only keys can search and read notes but never change them.
        </EmptyState>
      ) : (
        <ul className="grid gap-3" data-testid="api-keys-list">
          {rows.map((r) => (
            <li key={r.id} data-testid="api-key" data-api-key-id={r.id} className={cardClass({ className: 'flex flex-wrap items-start justify-between gap-4' })}>
              <div className="min-w-0 text-sm">
                <p className="font-semibold text-slate-900">{r.name} <Badge tone={r.scope === 'read_only' ? 'neutral' : 'brand'} icon={null} className="ml-1" testId="api-key-scope-label">{SCOPE_LABEL[r.scope]}</Badge></p>
                <p className="mt-1 break-all font-mono text-xs text-slate-600">{r.prefix}…</p>
                <p className="mt-1 text-xs text-slate-600" data-testid="api-key-last-used">
                  Created <Time iso={r.created_at} /> · Last used {r.last_used_at ? <Time iso={r.last_used_at} /> : 'never'}{r.last_used_ip ? ` from ${r.last_used_ip}` : ''}
                </p>
              </div>
              <Button data-testid="api-key-revoke" onClick={() => setConfirm(r)} aria-label={`Revoke ${r.name}`}>Revoke</Button>
            </li>
          ))}
        </ul>
      )}

      <Dialog open={confirm !== null} onClose={() => setConfirm(null)} title={`Revoke “${confirm?.name ?? ''}”?`} testId="api-key-revoke-dialog">
        <p>Anything using this key stops working with its next request. This cannot be undone.</p>
        <DialogActions danger confirmLabel="Revoke key" busy={revoke.isPending} testId="api-key-revoke-confirm" error={revoke.error?.message}
          onCancel={() => setConfirm(null)} onConfirm={() => confirm && revoke.mutate(confirm.id, { onSuccess: () => setConfirm(null) })} />
      </Dialog>
    </div>
  );
}
