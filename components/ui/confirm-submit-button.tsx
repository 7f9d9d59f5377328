'use client';
// A server form's destructive submit button that asks first. With script it opens the shared Dialog
// and submits its form on confirm; before hydration or without script it is a plain submit button,
// so the form still works.
import { useState, type ReactNode } from 'react';
import { Button } from './button.tsx';
import { Dialog, DialogActions } from './dialog.tsx';

export function ConfirmSubmitButton({ children, title, body, confirmLabel, testId, variant, className }: {
  children: ReactNode; title: string; body: ReactNode; confirmLabel: string; testId: string;
  variant?: 'secondary' | 'danger-outline'; className?: string;
}) {
  const [form, setForm] = useState<HTMLFormElement | null>(null);
  const [sending, setSending] = useState(false);
  return (
    <>
      <Button type="submit" variant={variant} className={className} data-testid={testId}
        onClick={(e) => { e.preventDefault(); setForm(e.currentTarget.form); }}>{children}</Button>
      <Dialog open={form !== null} onClose={() => setForm(null)} title={title} testId={`${testId}-dialog`}>
        {body}
        <DialogActions danger confirmLabel={confirmLabel} busy={sending} testId={`${testId}-confirm`}
          onCancel={() => setForm(null)} onConfirm={() => { setSending(true); form?.requestSubmit(); }} />
      </Dialog>
    </>
  );
}
