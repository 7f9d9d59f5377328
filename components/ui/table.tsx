// Data tables: a scrolling frame (wide tables scroll inside their card, never the page), a header row, cells.
import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';

/** The frame and <table>; `label` names the scroll region for keyboard and screen-reader users. */
export function Table({ children, label, caption, captionVisible = false, testId, className = '', minWidth }: { children: ReactNode; label?: string; caption?: ReactNode; captionVisible?: boolean; testId?: string; className?: string; minWidth?: string }) {
  const frame = `overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm ${className}`.trim();
  const table = (
    <table className={`w-full text-left text-sm ${minWidth ?? ''}`.trim()}>
      {caption && <caption className={captionVisible ? 'px-3 py-2 text-left text-xs text-slate-700' : 'sr-only'}>{caption}</caption>}
      {children}
    </table>
  );
  if (!label) return <div className={frame} data-testid={testId}>{table}</div>;
  return (
    <div className={`${frame} focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-300`} role="region" aria-label={label} tabIndex={0} data-testid={testId}>{table}</div>
  );
}

/** The header row; `className` adds to it (e.g. "hidden md:table-header-group" where rows stack on phones). */
export function THead({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <thead className={`bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-700 ${className}`.trim()}><tr>{children}</tr></thead>;
}

export function Th({ className = '', numeric, ...rest }: ThHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return <th scope="col" className={`px-3 py-2 font-medium ${numeric ? 'text-right' : ''} ${className}`.trim()} {...rest} />;
}

export function TBody(props: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className="divide-y divide-slate-100" {...props} />;
}

export function Td({ className = '', numeric, ...rest }: TdHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return <td className={`px-3 py-2 align-top ${numeric ? 'text-right tabular-nums' : ''} ${className}`.trim()} {...rest} />;
}
