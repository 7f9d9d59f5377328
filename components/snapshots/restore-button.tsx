'use client';
// Restore a file, a folder or a whole project from a snapshot: a confirmation Dialog names what will change (which
// path, how many files, that differing current files go to the trash first, or the copy's place), then the answer
// says what happened (restored, replaced into the trash, unchanged).
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import { plural } from '@/lib/format/plurals.ts';
import { Time } from '@/components/time.tsx';
import { useRestoreMutation, type RestoreAnswer } from '@/lib/cloud-client/snapshots/mutations.ts';

type Kind = 'file' | 'folder' | 'project';

function summary(a: RestoreAnswer): string {
  const parts = [`Restored ${a.restored.length} file${a.restored.length === 1 ? '' : 's'}`];
  if (a.replaced.length) parts.push(`${a.replaced.length} current version${a.replaced.length === 1 ? '' : 's'} moved to the trash`);
  if (a.unchanged.length) parts.push(`${a.unchanged.length} already identical`);
  return parts.join('; ') + '.';
}

export function RestoreButton({ snapshotId, snapshotTime, kind, path, files, label, trashDays }: {
  snapshotId: string; snapshotTime: string; kind: Kind; path: string; files: number; label: string; trashDays: number;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [asCopy, setAsCopy] = useState(false);
  const [answer, setAnswer] = useState<RestoreAnswer | null>(null);
  const [refreshing, startTransition] = useTransition();
  const restore = useRestoreMutation(snapshotId);
  const name = useId();
  const what = kind === 'file' ? 'file' : kind === 'project' ? 'project' : 'folder';
  const shown = kind === 'file' ? path : `${path}/`;
  return (
    <>
      <Button data-testid="snapshot-restore" data-kind={kind} onClick={() => { setAnswer(null); restore.reset(); setAsCopy(false); setOpen(true); }}>
        Restore<span className="sr-only"> {what} {label}</span>
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Restore ${what} “${label}”?`} testId="snapshot-restore-dialog">
        {answer ? (
          <div data-testid="snapshot-restore-result">
            <p role="status">{summary(answer)}</p>
            {answer.restored.length > 0 && (
              <ul className="mt-2 max-h-40 list-disc overflow-auto pl-5 text-xs [overflow-wrap:anywhere]">
                {answer.restored.slice(0, 10).map((p) => <li key={p}>{p}</li>)}
                {answer.restored.length > 10 && <li>… and {answer.restored.length - 10} more</li>}
              </ul>
            )}
            {answer.replaced.length > 0 && <p className="mt-2 text-xs">The replaced versions are in the <a href="/trash" className="text-sky-800 underline">trash</a> for {trashDays} days.</p>}
            <div className="mt-4 flex justify-end">
              <Button variant="primary" data-testid="snapshot-restore-done" onClick={() => { setOpen(false); startTransition(() => router.refresh()); }}>Done</Button>
            </div>
          </div>
        ) : (
          <>
            <p data-testid="snapshot-restore-what">
              {asCopy
                ? <>A copy of <code className="[overflow-wrap:anywhere]">{shown}</code> as it was on <Time iso={snapshotTime} /> will be written beside it, named “{label} (restored …)”. Nothing is replaced.</>
                : kind === 'file'
                  ? <><code className="[overflow-wrap:anywhere]">{shown}</code> will be put back as it was on <Time iso={snapshotTime} />. If the current file differs, it is moved to the trash first (restorable for {trashDays} days).</>
                  : <>The {plural(files, 'file')} under <code className="[overflow-wrap:anywhere]">{shown}</code> in this snapshot will be put back as they were on <Time iso={snapshotTime} />. Current files that differ are moved to the trash first (restorable for {trashDays} days); files added since are kept.</>}
            </p>
            {kind !== 'project' && (
              <fieldset className="mt-3">
                <legend className="sr-only">Where to restore</legend>
                <label className="flex items-center gap-2"><input type="radio" name={name} checked={!asCopy} onChange={() => setAsCopy(false)} data-testid="restore-in-place" /> To its place</label>
                <label className="mt-1 flex items-center gap-2"><input type="radio" name={name} checked={asCopy} onChange={() => setAsCopy(true)} data-testid="restore-as-copy" /> Beside it, as a copy</label>
              </fieldset>
            )}
            <DialogActions confirmLabel={restore.isPending ? 'Restoring…' : asCopy ? 'Restore as a copy' : `Restore ${what}`} busy={restore.isPending || refreshing}
              testId="snapshot-restore-confirm" error={restore.error?.message}
              onCancel={() => setOpen(false)} onConfirm={() => restore.mutate({ path: kind === 'file' ? path : path + '/', asCopy, kind: kind === 'file' ? 'file' : 'folder' }, { onSuccess: (a) => setAnswer(a) })} />
          </>
        )}
      </Dialog>
    </>
  );
}
