// A labelled form control: label above, optional hint under it (tied with aria-describedby), the control.
import type { InputHTMLAttributes, ReactNode } from 'react';

export const inputClass = 'block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-blue-200 disabled:bg-slate-50';

export function Field({ label, hint, htmlFor, children, className = '' }: { label: ReactNode; hint?: ReactNode; htmlFor: string; children: ReactNode; className?: string }) {
  return (
    <div className={`grid gap-1 ${className}`.trim()}>
      <label htmlFor={htmlFor} className="text-sm font-medium text-slate-800">{label}</label>
      {children}
      {hint && <p id={`${htmlFor}-hint`} className="text-xs text-slate-600">{hint}</p>}
    </div>
  );
}

/** A text input styled like every other; pass `hint` to Field and `aria-describedby={id + '-hint'}` here. */
export function Input({ className = '', ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={`${inputClass} ${className}`.trim()} {...rest} />;
}
