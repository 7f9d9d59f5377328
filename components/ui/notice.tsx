// A message in a page: errors are alerts (announced at once), the rest are polite status notes.
// The tone is said by the icon and the words as well as the colour.
import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'warning' | 'danger';
const TONES: Record<Tone, { box: string; icon: string; label: string }> = {
  info: { box: 'border-sky-200 bg-sky-50 text-sky-900', icon: 'ℹ', label: 'Note' },
  success: { box: 'border-emerald-300 bg-emerald-50 text-emerald-900', icon: '✓', label: 'Done' },
  warning: { box: 'border-amber-200 bg-amber-50 text-amber-900', icon: '⚠', label: 'Warning' },
  danger: { box: 'border-rose-200 bg-rose-50 text-rose-800', icon: '✕', label: 'Error' },
};

/** A boxed message. `inline` drops the box: a short line under a form field or button. */
export function Notice({ tone = 'info', title, children, testId, className = '', inline = false, role }: { tone?: Tone; title?: ReactNode; children?: ReactNode; testId?: string; className?: string; inline?: boolean; role?: 'alert' | 'status' }) {
  const t = TONES[tone];
  const r = role ?? (tone === 'danger' || tone === 'warning' ? 'alert' : 'status');
  if (inline) {
    const fg = tone === 'danger' ? 'text-rose-700' : tone === 'warning' ? 'text-amber-800' : tone === 'success' ? 'text-emerald-800' : 'text-slate-700';
    return <p role={r} data-testid={testId} className={`text-sm ${fg} ${className}`.trim()}><span aria-hidden="true">{t.icon} </span>{children}</p>;
  }
  return (
    <div role={r} data-testid={testId} className={`flex gap-2 rounded-lg border px-4 py-3 text-sm ${t.box} ${className}`.trim()}>
      <span aria-hidden="true" className="font-semibold">{t.icon}</span>
      <div className="min-w-0">
        <span className="sr-only">{t.label}: </span>
        {title && <p className="font-semibold">{title}</p>}
        {children}
      </div>
    </div>
  );
}
