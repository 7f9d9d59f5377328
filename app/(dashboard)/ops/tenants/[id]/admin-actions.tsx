'use client';
// Admin buttons of a tenant's ops view: stop, start, restart, full re-index — each behind a confirmation
// dialog, calling the existing POST /api/admin/tenants/{id}/{action} (admin only, audited, same-origin).
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Dialog } from '@/components/ui/dialog.tsx';

type Action = 'stop' | 'start' | 'restart' | 'reindex';
const ACTIONS: Record<Action, { label: string; confirm: string }> = {
  stop: { label: 'Stop', confirm: 'Stop this tenant? Its API stops serving (the CLI gets “subscription required”) until it is started again. Files are kept.' },
  start: { label: 'Start', confirm: 'Start this tenant? A failed tenant also gets a fresh crash budget.' },
  restart: { label: 'Restart', confirm: 'Restart this tenant’s process? Requests in flight may fail once.' },
  reindex: { label: 'Full re-index', confirm: 'Run a full forced sync of every project of this tenant? The index keeps serving while it runs.' },
};

export function AdminActions({ tenantId }: { tenantId: string }) {
  const router = useRouter();
  const [open, setOpen] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  async function run(a: Action) {
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/admin/tenants/${tenantId}/${a}`, { method: 'POST', headers: { accept: 'application/json' } });
      const body = await res.json().catch(() => ({}));
      setMessage(res.ok ? `${ACTIONS[a].label}: requested.` : `${ACTIONS[a].label} failed: ${typeof body.detail === 'string' ? body.detail : res.status}`);
      router.refresh();
    } catch {
      setMessage(`${ACTIONS[a].label} failed: the request did not go through.`);
    } finally {
      setBusy(false);
      setOpen(null);
    }
  }
  return (
    <section aria-labelledby="admin-h" className="grid gap-2" data-testid="admin-actions">
      <h2 id="admin-h" className="text-base font-semibold text-slate-900">Admin actions</h2>
      <div className="flex flex-wrap gap-2">
        {(Object.keys(ACTIONS) as Action[]).map((a) => (
          <button key={a} type="button" disabled={busy} onClick={() => setOpen(a)} data-testid={`admin-${a}`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-900 hover:bg-slate-50 disabled:opacity-50">
            {ACTIONS[a].label}
          </button>
        ))}
      </div>
      {message && <p role="status" className="text-sm text-slate-800" data-testid="admin-message">{message}</p>}
      <Dialog open={open !== null} onClose={() => setOpen(null)} title={open ? `${ACTIONS[open].label}?` : ''} testId="admin-confirm">
        {open && (
          <>
            <p>{ACTIONS[open].confirm}</p>
            <div className="mt-4 flex justify-end gap-2">
              <button type="button" onClick={() => setOpen(null)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Cancel</button>
              <button type="button" disabled={busy} onClick={() => run(open)} data-testid="admin-confirm-go" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">{ACTIONS[open].label}</button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
