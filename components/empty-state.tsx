import type { ReactNode } from 'react';
import { cardClass } from '@/components/ui/card.tsx';

export function EmptyState({ title, children, testId, icon }: { title: string; children?: ReactNode; testId?: string; icon?: ReactNode }) {
  return (
    <div data-testid={testId} className={cardClass({ padding: 'none', dashed: true, className: 'px-6 py-12 text-center' })}>
      <div aria-hidden className="mx-auto grid h-12 w-12 place-items-center rounded-full bg-slate-100 text-xl text-slate-500">{icon ?? '○'}</div>
      <h2 className="mt-4 text-base font-semibold text-slate-900">{title}</h2>
      {children && <div className="mx-auto mt-2 max-w-md text-sm text-slate-600">{children}</div>}
    </div>
  );
}
