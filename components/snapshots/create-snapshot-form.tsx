'use client';
// "Take a snapshot now" with a description: POST /api/bucket-snapshots, then the server-rendered list refreshes.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useCreateSnapshotMutation } from '@/lib/cloud-client/snapshots-query.ts';

export function CreateSnapshotForm() {
  const router = useRouter();
  const [description, setDescription] = useState('');
  const [refreshing, startTransition] = useTransition();
  const create = useCreateSnapshotMutation();
  return (
    <form className="mb-6 flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="snapshot-create-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(description.trim(), { onSuccess: () => { setDescription(''); startTransition(() => router.refresh()); } });
      }}>
      <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium text-slate-800">
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} placeholder="before the big reorganisation"
          data-testid="snapshot-description-input" className="rounded-lg border border-slate-300 px-3 py-2 font-normal text-slate-900" />
      </label>
      <button type="submit" disabled={create.isPending || refreshing} data-testid="snapshot-create"
        className="rounded-lg bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-800 disabled:opacity-50">
        {create.isPending ? 'Taking snapshot…' : 'Take snapshot now'}
      </button>
      {create.isError && <p role="alert" className="w-full text-sm text-rose-700" data-testid="snapshot-create-error">{create.error.message}</p>}
    </form>
  );
}
