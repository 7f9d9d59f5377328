// The range switch of the ops pages (1 h, 24 h, 7 d, 30 d), kept in the URL.
import Link from 'next/link';

const RANGES = [['1h', '1 hour'], ['24h', '24 hours'], ['7d', '7 days'], ['30d', '30 days']] as const;

export function RangeNav({ current, href }: { current: string; href: (range: string) => string }) {
  return (
    <nav aria-label="Time range" className="flex flex-wrap gap-1 text-sm" data-testid="ops-range">
      {RANGES.map(([r, label]) => (
        <Link key={r} href={href(r)} aria-current={r === current ? 'page' : undefined}
          className={`rounded-md px-2.5 py-1 ring-1 ring-inset ${r === current ? 'bg-slate-800 font-medium text-white ring-slate-800' : 'bg-white text-slate-800 ring-slate-300 hover:bg-slate-50'}`}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
