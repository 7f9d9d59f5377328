// The parts of a note view below (and beside) its rendered body: frontmatter, observations by category
// and tag, outgoing relations, backlinks with the text around each link.
import Link from 'next/link';
import type { Backlink, ObservationGroup, RelationView } from '@/lib/notes/note-view.ts';
import { searchHref } from '@/lib/notes/note-paths.ts';
import styles from './note-prose.module.css';
import { cardClass } from '@/components/ui/card.tsx';

export function NoteBody({ html }: { html: string }) {
  // `html` comes from renderMarkdown (markdown-it, html:false): raw HTML in notes is escaped, unsafe URLs refused.
  // biome-ignore lint/security/noDangerouslySetInnerHtml: server-rendered markdown with raw HTML escaped (see above)
  return <div data-testid="note-body" className={styles.prose} dangerouslySetInnerHTML={{ __html: html }} />;
}

function Section({ title, id, children, testId }: { title: string; id: string; children: React.ReactNode; testId: string }) {
  return (
    <section aria-labelledby={id} data-testid={testId} className={cardClass()}>
      <h2 id={id} className="mb-2 text-sm font-semibold text-slate-900">{title}</h2>
      {children}
    </section>
  );
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(show).join(', ');
  return JSON.stringify(v);
}

export function FrontmatterPanel({ data, hasFrontmatter }: { data: Record<string, unknown>; hasFrontmatter: boolean }) {
  const entries = Object.entries(data);
  return (
    <Section title="Frontmatter" id="fm-heading" testId="note-frontmatter">
      {!hasFrontmatter || entries.length === 0 ? <p className="text-sm text-slate-500">This note has no frontmatter.</p> : (
        <dl className="grid grid-cols-[minmax(5rem,auto)_1fr] gap-x-3 gap-y-1 text-sm">
          {entries.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-mono text-xs leading-6 text-slate-500">{k}</dt>
              <dd className="min-w-0 break-words text-slate-800" data-testid={`fm-${k}`}>{show(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </Section>
  );
}

export function TagChip({ tag, project }: { tag: string; project: string }) {
  return (
    <Link href={`${searchHref({ project })}&tag=${encodeURIComponent(tag)}`} data-testid="tag-chip"
      className="inline-flex items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-200 hover:bg-slate-200">
      #{tag}
    </Link>
  );
}

export function ObservationsList({ groups, project }: { groups: ObservationGroup[]; project: string }) {
  return (
    <Section title="Observations" id="obs-heading" testId="note-observations">
      {groups.length === 0 ? <p className="text-sm text-slate-500">No observations in this note.</p> : (
        <div className="flex flex-col gap-3">
          {groups.map((g) => (
            <div key={g.category} data-testid="observation-group" data-category={g.category}>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">[{g.category}] · {g.items.length}</h3>
              <ul className="mt-1 flex flex-col gap-1">
                {g.items.map((o, i) => (
                  <li key={i} data-testid="observation" className="text-sm text-slate-800">
                    {o.content}
                    {o.context && <span className="text-slate-500"> ({o.context})</span>}
                    {o.tags.length > 0 && <span className="ml-1 inline-flex flex-wrap gap-1 align-middle">{o.tags.map((t) => <TagChip key={t} tag={t} project={project} />)}</span>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </Section>
  );
}

export function RelationsList({ relations }: { relations: RelationView[] }) {
  return (
    <Section title="Links from this note" id="rel-heading" testId="note-relations">
      {relations.length === 0 ? <p className="text-sm text-slate-500">This note links to nothing.</p> : (
        <ul className="flex flex-col gap-1 text-sm">
          {relations.map((r, i) => (
            <li key={i} data-testid="relation" data-resolved={r.resolved ? 'true' : 'false'}>
              <span className="font-mono text-xs text-slate-500">{r.type}</span>{' '}
              {r.resolved
                ? <Link href={r.resolved.href} className="text-brand-700 underline">{r.resolved.title}</Link>
                : <span className="text-rose-800">{r.target} <span className="rounded bg-rose-50 px-1 text-xs ring-1 ring-inset ring-rose-200">not found</span></span>}
              {r.context && <span className="text-slate-500"> ({r.context})</span>}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function BacklinksList({ backlinks }: { backlinks: Backlink[] }) {
  return (
    <Section title={`Linked from (${backlinks.length})`} id="bl-heading" testId="note-backlinks">
      {backlinks.length === 0 ? <p className="text-sm text-slate-500">No other note links here.</p> : (
        <ul className="flex flex-col gap-3">
          {backlinks.map((b) => (
            <li key={b.filePath} data-testid="backlink">
              <Link href={b.href} className="text-sm font-medium text-brand-700 underline">{b.title}</Link>
              {b.snippets.map((s, i) => (
                <p key={i} data-testid="backlink-snippet" className="mt-0.5 border-l-2 border-slate-200 pl-2 text-sm text-slate-600">
                  {s.before}<mark className="rounded bg-amber-100 px-0.5 text-slate-900">{s.link}</mark>{s.after}
                </p>
              ))}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
