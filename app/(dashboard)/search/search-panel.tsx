'use client';
// The search box and results: typing updates the URL (shareable) and searches through GET /api/search
// (react-query, keyed by query and filters); the first results arrive rendered by the server.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { cardClass } from '@/components/ui/card.tsx';
import { inputClass } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { errorText } from '@/lib/cloud-client/fetcher.ts';
import { type SearchAnswer, type SearchParams as Params, searchQuery as toSearch, useSearchNotesQuery } from '@/lib/cloud-client/notes/queries.ts';

const input = `mt-1 ${inputClass}`;

export function SearchPanel({ initial, initialAnswer, projects, failure }: { initial: Params; initialAnswer: SearchAnswer | null; projects: string[]; failure: string | null }) {
  const router = useRouter();
  const [p, setP] = useState<Params>({ q: initial.q, project: initial.project, type: initial.type, tag: initial.tag, category: initial.category });
  const [debounced, setDebounced] = useState(p);
  useEffect(() => { const t = setTimeout(() => setDebounced(p), 250); return () => clearTimeout(t); }, [p]);
  useEffect(() => { router.replace(`/search${toSearch(debounced).size ? `?${toSearch(debounced)}` : ''}`, { scroll: false }); }, [debounced, router]);
  const active = !!(debounced.q || debounced.tag || debounced.category || debounced.type);
  const same = JSON.stringify(debounced) === JSON.stringify({ q: initial.q, project: initial.project, type: initial.type, tag: initial.tag, category: initial.category });
  const query = useSearchNotesQuery(debounced, { enabled: active, initialData: same && initialAnswer ? initialAnswer : undefined });
  const set = (k: keyof Params) => (e: { target: { value: string } }) => setP((x) => ({ ...x, [k]: e.target.value || undefined, ...(k === 'q' ? { q: e.target.value } : {}) }));
  const data = active ? query.data : undefined;

  return (
    <div className="flex flex-col gap-4">
      <form role="search" onSubmit={(e) => { e.preventDefault(); setDebounced(p); }} className={cardClass({ className: 'flex flex-col gap-3' })}>
        <label className="text-sm font-medium text-slate-700">Search
          <input data-testid="search-input" type="search" autoFocus value={p.q} onChange={set('q')} placeholder="words, #tag, type:person"
            className={input} />
        </label>
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          <label className="text-sm text-slate-700">Project
            <select data-testid="search-project" value={p.project ?? ''} onChange={set('project')} className={input}>
              <option value="">All projects</option>
              {projects.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </label>
          <label className="text-sm text-slate-700">Type
            <input data-testid="search-type" value={p.type ?? ''} onChange={set('type')} placeholder="note" className={input} />
          </label>
          <label className="text-sm text-slate-700">Tag
            <input data-testid="search-tag" value={p.tag ?? ''} onChange={set('tag')} placeholder="tag" className={input} />
          </label>
          <label className="text-sm text-slate-700">Category
            <input data-testid="search-category" value={p.category ?? ''} onChange={set('category')} placeholder="idea" className={input} />
          </label>
        </div>
      </form>
      {failure && <Notice tone="warning">{failure}</Notice>}
      {query.isError && <Notice inline tone="danger" testId="search-error">{errorText(query.error)}</Notice>}
      {!active ? <p className="text-sm text-slate-500">Type to search {p.project ? <>in <span className="font-medium">{p.project}</span></> : 'all your projects'}.</p>
        : !data ? <p className="text-sm text-slate-500" data-testid="search-loading">Searching…</p>
          : (
            <section aria-live="polite" aria-label="Results">
              <p className="mb-2 text-sm text-slate-600" data-testid="search-count">{data.results.length}{data.has_more ? '+' : ''} result{data.results.length === 1 ? '' : 's'} in {debounced.project ?? `${data.projects.length} project${data.projects.length === 1 ? '' : 's'}`}</p>
              {data.skipped.length > 0 && <p className="mb-2 text-xs text-amber-800">Not searched: {data.skipped.map((s) => `${s.project} (${s.reason})`).join(', ')}</p>}
              {data.results.length === 0 ? <p data-testid="search-empty" className={cardClass({ padding: 'none', dashed: true, className: 'px-4 py-8 text-center text-sm text-slate-600' })}>No notes match.</p> : (
                <ul className="flex flex-col gap-2">
                  {data.results.map((r) => (
                    <li key={`${r.project}/${r.file_path}`} data-testid="search-result" className={cardClass({ padding: 'sm' })}>
                      <div className="flex flex-wrap items-baseline justify-between gap-2">
                        <Link href={r.href} className="font-medium text-brand-700 underline">{r.title}</Link>
                        <span className="text-xs text-slate-500">{r.project} · <span className="font-mono">{r.file_path}</span>{r.entity_type ? ` · ${r.entity_type}` : ''}</span>
                      </div>
                      {r.excerpt.length > 0 && (
                        <p className="mt-1 text-sm text-slate-700" data-testid="search-excerpt">
                          {r.excerpt.map((part, i) => part.mark ? <mark key={i} className="rounded bg-amber-100 px-0.5 font-medium text-slate-900">{part.text}</mark> : <span key={i}>{part.text}</span>)}
                        </p>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
    </div>
  );
}
