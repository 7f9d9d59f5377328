'use client';
// A modal dialog on the native <dialog> element (focus trap, Esc and backdrop come from the browser).
import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from './button.tsx';

export function Dialog({ open, onClose, title, children, testId }: { open: boolean; onClose: () => void; title: string; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref} data-testid={testId} aria-labelledby={testId ? `${testId}-title` : undefined} onClose={onClose}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      {open && (
        <div className="p-5">
          <h2 id={testId ? `${testId}-title` : undefined} className="text-base font-semibold text-slate-900">{title}</h2>
          <div className="mt-3 text-sm text-slate-700">{children}</div>
        </div>
      )}
    </dialog>
  );
}

/**
 * The footer of a confirmation: Cancel, then the action (danger-coloured when it destroys something). The
 * confirm button carries `testId`; a refusal from the server shows above the buttons as an alert.
 */
export function DialogActions({ confirmLabel, onConfirm, onCancel, busy = false, danger = false, testId, cancelTestId, error }: {
  confirmLabel: ReactNode; onConfirm: () => void; onCancel: () => void; busy?: boolean; danger?: boolean; testId?: string; cancelTestId?: string; error?: string | null;
}) {
  return (
    <>
      {error && <p role="alert" data-testid={testId ? `${testId}-error` : undefined} className="mt-2 text-rose-700"><span aria-hidden="true">✕ </span>{error}</p>}
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <Button onClick={onCancel} data-testid={cancelTestId}>Cancel</Button>
        <Button variant={danger ? 'danger' : 'primary'} disabled={busy} onClick={onConfirm} data-testid={testId}>{confirmLabel}</Button>
      </div>
    </>
  );
}
