'use client';
// A modal built on the native <dialog> (focus trap, Escape and the backdrop come from the browser).
import { useEffect, useRef, type ReactNode } from 'react';

export function ModalDialog({ open, onClose, title, children, testId }: { open: boolean; onClose: () => void; title: string; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby={testId ? `${testId}-title` : undefined} data-testid={testId}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40">
      <div className="p-5">
        <h2 id={testId ? `${testId}-title` : undefined} className="text-base font-semibold text-slate-900">{title}</h2>
        <div className="mt-3">{children}</div>
      </div>
    </dialog>
  );
}
