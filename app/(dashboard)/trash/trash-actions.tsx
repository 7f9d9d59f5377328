'use client';
// Restore / delete-for-good buttons of one trash row: call the BFF routes, show their {"detail"} on refusal
// (e.g. a restore that would overwrite), and refresh the server-rendered list on success.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

export function TrashActions({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  async function act(method: 'POST' | 'DELETE', url: string) {
    setError(null);
    const res = await fetch(url, { method, headers: { accept: 'application/json' } });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { detail?: unknown } | null;
      setError(typeof body?.detail === 'string' ? body.detail : `Failed (${res.status}).`);
      return;
    }
    startTransition(() => router.refresh());
  }

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <button type="button" data-testid="trash-restore" disabled={pending}
          onClick={() => act('POST', `/api/tenant/trash/${id}/restore`)}
          className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-50">Restore<span className="sr-only">: {label}</span></button>
        <button type="button" data-testid="trash-purge" disabled={pending}
          onClick={() => { if (window.confirm(`Delete "${label}" for good? This cannot be undone.`)) void act('DELETE', `/api/tenant/trash/${id}`); }}
          className="rounded-lg border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-50">Delete for good<span className="sr-only">: {label}</span></button>
      </div>
      {error && <p role="alert" data-testid="trash-error" className="max-w-xs text-right text-xs text-rose-700">{error}</p>}
    </div>
  );
}
