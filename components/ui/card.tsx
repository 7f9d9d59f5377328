// A white, bordered panel: the one container of the dashboard pages.
import type { HTMLAttributes } from 'react';

type Padding = 'none' | 'sm' | 'md' | 'lg';
const PAD: Record<Padding, string> = { none: '', sm: 'p-3', md: 'p-4 sm:p-5', lg: 'p-6 sm:p-8' };

export function cardClass({ padding = 'md', dashed = false, className = '' }: { padding?: Padding; dashed?: boolean; className?: string } = {}): string {
  const frame = dashed ? 'rounded-xl border border-dashed border-slate-300 bg-white' : 'rounded-xl border border-slate-200 bg-white shadow-sm';
  return `${frame} ${PAD[padding]} ${className}`.trim();
}

export function Card({ padding, dashed, className, as: Tag = 'div', ...rest }: HTMLAttributes<HTMLElement> & { padding?: Padding; dashed?: boolean; as?: 'div' | 'section' | 'article' | 'aside' | 'li' }) {
  return <Tag className={cardClass({ padding, dashed, className })} {...rest} />;
}
