'use client';
// The app passwords list with its create form (the new password is shown once) and a confirmed revoke.
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { Time } from '@/components/time.tsx';
import { Button } from '@/components/ui/button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { Field, Input } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import type { AppPasswordDto } from '@/lib/auth/app-passwords.ts';
import { useCreateAppPasswordMutation, useRevokeAppPasswordMutation } from '@/lib/cloud-client/app-passwords/mutations.ts';
import { useAppPasswordsQuery } from '@/lib/cloud-client/app-passwords/queries.ts';

export function AppPasswordsPanel({ initial, webdavUrl, email }: { initial: AppPasswordDto[]; webdavUrl: string; email: string | null }) {
  const list = useAppPasswordsQuery(initial);
  const create = useCreateAppPasswordMutation();
  const revoke = useRevokeAppPasswordMutation();
  const [name, setName] = useState('');
  const [confirm, setConfirm] = useState<AppPasswordDto | null>(null);
  const [shown, setShown] = useState<{ name: string; accessKey: string; password: string } | null>(null);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    create.mutate(n, { onSuccess: (r) => { setShown({ name: r.name, accessKey: r.access_key, password: r.password }); setName(''); } });
  };
  const rows = list.data ?? [];
  return (
    <div className="grid gap-6">
      <form onSubmit={onSubmit} className="flex flex-col gap-2 sm:flex-row sm:items-start" aria-label="Create an app password">
        <Field label="Name" htmlFor="app-password-name" className="flex-1">
          <Input id="app-password-name" data-testid="app-password-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100}
            placeholder="e.g. laptop rclone" autoComplete="off" />
          {create.isError && <Notice inline tone="danger">{create.error.message}</Notice>}
        </Field>
        <Button type="submit" variant="primary" data-testid="app-password-create" disabled={create.isPending} className="py-2 sm:mt-6">
          {create.isPending ? 'Creating…' : 'Create app password'}
        </Button>
      </form>

      {shown && (
        <section role="status" data-testid="app-password-shown" className="rounded-xl border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900">
          <h2 className="font-semibold">“{shown.name}” created. Copy the password now: it is not shown again.</h2>
          <dl className="mt-2 grid gap-1">
            <div><dt className="inline font-medium">WebDAV URL: </dt><dd className="inline break-all font-mono">{webdavUrl}</dd></div>
            <div><dt className="inline font-medium">User name: </dt><dd className="inline break-all"><span className="font-mono" data-testid="app-password-user">{shown.accessKey}</span>{email ? ` (or ${email})` : ''}</dd></div>
            <div><dt className="inline font-medium">Password: </dt><dd className="inline break-all font-mono" data-testid="app-password-secret">{shown.password}</dd></div>
          </dl>
          <Button onClick={() => setShown(null)} className="mt-3">I have copied it</Button>
        </section>
      )}

      {rows.length === 0 ? (
        <EmptyState testId="app-passwords-empty" title="No app passwords" icon="⚿">
          Create one to connect rclone, Finder (Go → Connect to Server) or Windows (Map network drive) to <span className="break-all font-mono">{webdavUrl}</span>.
        </EmptyState>
      ) : (
        <ul className="grid gap-3" data-testid="app-passwords-list">
          {rows.map((r) => (
            <li key={r.id} data-testid="app-password" data-app-password-id={r.id} className={cardClass({ className: 'flex flex-wrap items-start justify-between gap-4' })}>
              <div className="min-w-0 text-sm">
                <p className="font-semibold text-slate-900">{r.name}</p>
                <p className="mt-1 break-all font-mono text-xs text-slate-600">{r.access_key}</p>
                <p className="mt-1 text-xs text-slate-500">
                  Created <Time iso={r.created_at} /> · Last used {r.last_used_at ? <Time iso={r.last_used_at} /> : 'never'}{r.last_used_ip ? ` from ${r.last_used_ip}` : ''}
                </p>
              </div>
              <Button data-testid="app-password-revoke" onClick={() => setConfirm(r)} aria-label={`Revoke ${r.name}`}>Revoke</Button>
            </li>
          ))}
        </ul>
      )}

      <Dialog open={confirm !== null} onClose={() => setConfirm(null)} title={`Revoke “${confirm?.name ?? ''}”?`} testId="app-password-revoke-dialog">
        <p>rclone, Finder or anything else signed in with this password stops working with its next request. This cannot be undone.</p>
        <DialogActions danger confirmLabel="Revoke password" busy={revoke.isPending} testId="app-password-revoke-confirm" error={revoke.error?.message}
          onCancel={() => setConfirm(null)} onConfirm={() => confirm && revoke.mutate(confirm.id, { onSuccess: () => setConfirm(null) })} />
      </Dialog>
    </div>
  );
}
