// The project's recent activity: notes changed lately, newest first (the tenant's memory/recent), each with
// its path, when it changed and how many observations and relations it has.
import Link from 'next/link';
import { RelativeTime } from '@/components/ui/relative-time.tsx';
import { plural } from '@/lib/format/plurals.ts';
import { notesHref } from '@/lib/notes/note-paths.ts';
import { RECENT_TIMEFRAME_LABEL, type RecentItem } from '@/lib/notes/project-recent.ts';
import { cardClass } from '@/components/ui/card.tsx';

export function RecentActivity({ project, items, failure }: { project: string; items: RecentItem[]; failure?: string | null }) {
  const now = new Date().toISOString();
  return (
    <section aria-labelledby="recent-heading" data-testid="recent-activity" className={cardClass()}>
      <h2 id="recent-heading" className="mb-2 text-sm font-semibold text-slate-900">Recent activity</h2>
      {failure ? <p role="status" data-testid="recent-unavailable" className="text-sm text-amber-900">Recent activity could not be loaded: {failure}</p>
        : items.length === 0 ? <p data-testid="recent-empty" className="text-sm text-slate-500">No note changed in {RECENT_TIMEFRAME_LABEL}.</p> : (
          <ul className="divide-y divide-slate-100">
            {items.map((f) => (
              <li key={f.filePath} data-testid="recent-item" className="flex flex-wrap items-baseline justify-between gap-x-3 py-2">
                <Link href={notesHref(project, f.filePath)} className="min-w-0 truncate text-sm font-medium text-brand-700 hover:underline">{f.title}</Link>
                <span className="text-xs text-slate-500">
                  <span className="font-mono">{f.filePath}</span> · {f.atKind} <RelativeTime iso={f.at} now={now} />
                  {f.changedBy && <span data-testid="recent-client"> by {f.changedBy} (MCP)</span>}
                  <span data-testid="recent-counts"> · {plural(f.observations, 'observation')} · {plural(f.relations, 'relation')}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
