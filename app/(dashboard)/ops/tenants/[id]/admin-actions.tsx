'use client';
// Admin buttons of a tenant's ops view: stop, start, restart, full re-index — each behind a confirmation
// dialog, calling the existing POST /api/admin/tenants/{id}/{action} (admin only, audited, same-origin).
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { type AdminTenantAction, useAdminTenantActionMutation } from '@/lib/cloud-client/admin-tenants/mutations.ts';
import { ApiError, errorText } from '@/lib/cloud-client/fetcher.ts';

type Action = AdminTenantAction;
const ACTIONS: Record<Action, { label: string; confirm: string }> = {
  stop: { label: 'Stop', confirm: 'Stop this tenant? Its API stops serving (the CLI gets “subscription required”) until it is started again. Files are kept.' },
  start: { label: 'Start', confirm: 'Start this tenant? A failed tenant also gets a fresh crash budget.' },
  restart: { label: 'Restart', confirm: 'Restart this tenant’s process? Requests in flight may fail once.' },
  reindex: { label: 'Full re-index', confirm: 'Run a full forced sync of every project of this tenant? The index keeps serving while it runs.' },
};

export function AdminActions({ tenantId }: { tenantId: string }) {
  const router = useRouter();
  const [open, setOpen] = useState<Action | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const act = useAdminTenantActionMutation(tenantId);
  const run = (a: Action) => {
    setMessage(null);
    act.mutate(a, {
      onSuccess: () => setMessage(`${ACTIONS[a].label}: requested.`),
      onError: (e) => setMessage(`${ACTIONS[a].label} failed: ${e instanceof ApiError ? errorText(e) : 'the request did not go through.'}`),
      onSettled: () => { setOpen(null); router.refresh(); },
    });
  };
  return (
    <section aria-labelledby="admin-h" className="grid gap-2" data-testid="admin-actions">
      <h2 id="admin-h" className="text-base font-semibold text-slate-900">Admin actions</h2>
      <div className="flex flex-wrap gap-2">
        {(Object.keys(ACTIONS) as Action[]).map((a) => (
          <Button key={a} disabled={act.isPending} onClick={() => setOpen(a)} data-testid={`admin-${a}`}>{ACTIONS[a].label}</Button>
        ))}
      </div>
      {message && <p role="status" className="text-sm text-slate-800" data-testid="admin-message">{message}</p>}
      <Dialog open={open !== null} onClose={() => setOpen(null)} title={open ? `${ACTIONS[open].label}?` : ''} testId="admin-confirm">
        {open && (
          <>
            <p>{ACTIONS[open].confirm}</p>
            <DialogActions confirmLabel={ACTIONS[open].label} danger={open === 'stop'} busy={act.isPending} testId="admin-confirm-go" onCancel={() => setOpen(null)} onConfirm={() => run(open)} />
          </>
        )}
      </Dialog>
    </section>
  );
}
