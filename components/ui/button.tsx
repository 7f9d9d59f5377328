// The app's buttons: one look per intent. `buttonClass` styles a <Link>/<a> that acts as a button.
import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'danger-outline' | 'ghost';
type Size = 'sm' | 'md' | 'lg';

const BASE = 'inline-flex items-center justify-center gap-1.5 whitespace-nowrap rounded-lg font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-blue-400 focus-visible:ring-offset-1 disabled:cursor-not-allowed disabled:opacity-60';
const VARIANTS: Record<Variant, string> = {
  primary: 'bg-brand-600 text-white shadow-sm hover:bg-brand-700',
  secondary: 'border border-slate-300 bg-white text-slate-800 shadow-sm hover:bg-slate-50',
  danger: 'bg-rose-700 text-white shadow-sm hover:bg-rose-800',
  'danger-outline': 'border border-rose-300 bg-white text-rose-700 hover:bg-rose-50',
  ghost: 'text-slate-700 hover:bg-slate-100 hover:text-slate-900',
};
const SIZES: Record<Size, string> = { sm: 'px-2.5 py-1 text-xs', md: 'px-3 py-1.5 text-sm', lg: 'px-5 py-2.5 text-sm font-semibold' };

export function buttonClass({ variant = 'secondary', size = 'md', className = '' }: { variant?: Variant; size?: Size; className?: string } = {}): string {
  return `${BASE} ${VARIANTS[variant]} ${SIZES[size]} ${className}`.trim();
}

export function Button({ variant, size, className, type = 'button', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: Size }) {
  return <button type={type} className={buttonClass({ variant, size, className })} {...rest} />;
}
