'use client';
// "Restore this version" for a version kept at a write (the note history): a confirmation names the file and the
// version; the restore is the tenant's atomic write, and the current content is itself kept as a version.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Dialog } from '@/components/ui/dialog.tsx';
import { Time } from '@/components/time.tsx';
import { useRestoreWriteVersionMutation } from '@/lib/cloud-client/snapshots-query.ts';

export function WriteRestoreButton({ fileKey, version, savedAt, actor, label }: { fileKey: string; version: string; savedAt: string; actor: string; label: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);
  const [refreshing, startTransition] = useTransition();
  const restore = useRestoreWriteVersionMutation();
  return (
    <>
      <button type="button" data-testid="write-restore" onClick={() => { setDone(false); restore.reset(); setOpen(true); }}
        className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
        Restore this version<span className="sr-only"> of {label}</span>
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Restore “${label}”?`} testId="write-restore-dialog">
        {done ? (
          <div data-testid="write-restore-result">
            <p role="status">Restored. The content it replaced is now the newest version in this history.</p>
            <div className="mt-4 flex justify-end">
              <button type="button" data-testid="write-restore-done" onClick={() => { setOpen(false); startTransition(() => router.refresh()); }}
                className="rounded-lg bg-slate-900 px-3 py-1.5 font-medium text-white">Done</button>
            </div>
          </div>
        ) : (
          <>
            <p data-testid="write-restore-what">
              <code className="[overflow-wrap:anywhere]">{fileKey}</code> will get back the content it had before the write of <Time iso={savedAt} /> ({actor}).
              The current content is kept in this history first.
            </p>
            {restore.isError && <p role="alert" className="mt-2 text-rose-700" data-testid="write-restore-error">{restore.error.message}</p>}
            <div className="mt-4 flex justify-end gap-2">
              <button type="button" onClick={() => setOpen(false)} className="rounded-lg border border-slate-300 px-3 py-1.5">Cancel</button>
              <button type="button" disabled={restore.isPending || refreshing} data-testid="write-restore-confirm"
                onClick={() => restore.mutate({ key: fileKey, version }, { onSuccess: () => setDone(true) })}
                className="rounded-lg bg-slate-900 px-3 py-1.5 font-medium text-white disabled:opacity-50">
                {restore.isPending ? 'Restoring…' : 'Restore this version'}
              </button>
            </div>
          </>
        )}
      </Dialog>
    </>
  );
}
