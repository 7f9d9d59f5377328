// Search notes in one project or across all of them (Ctrl/⌘+K from any notes page), with highlighted
// excerpts and filters by type, tag and observation category. Results are rendered on the server from
// the same loader as GET /api/search; the search box is a client island that searches as you type.
import type { Metadata } from 'next';
import { requireTenant } from '@/lib/auth/session.ts';
import { SearchParams, searchNotes, type SearchAnswer } from '@/lib/notes/note-search.ts';
import { listProjects, TenantNotesError } from '@/lib/notes/tenant-notes.ts';
import { SearchPanel } from './search-panel.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Search notes' };

export default async function SearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const flat = Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]).filter(([, v]) => v !== undefined && v !== ''));
  const { tenant } = await requireTenant(undefined, { callbackUrl: '/search' });
  const parsed = SearchParams.safeParse(flat);
  const params = parsed.success ? parsed.data : SearchParams.parse({});
  let answer: SearchAnswer | null = null;
  let projects: string[] = [];
  let failure: string | null = null;
  try {
    projects = (await listProjects(tenant.id)).projects.map((p) => p.name);
    if (params.q || params.tag || params.category || params.type) answer = await searchNotes(tenant.id, params);
  } catch (e) {
    failure = e instanceof TenantNotesError ? e.message : 'Search is not available right now.';
  }
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Search notes</h1>
      <SearchPanel initial={params} initialAnswer={answer} projects={projects} failure={failure} />
    </div>
  );
}
