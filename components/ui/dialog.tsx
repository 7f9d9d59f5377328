'use client';
// A modal dialog on the native <dialog> element (focus trap, Esc and backdrop come from the browser).
import { useEffect, useRef, type ReactNode } from 'react';

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
