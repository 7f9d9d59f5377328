// GET /api/search?q=&project=&type=&tag=&category=&page= : search the caller's notes (one project or all),
// with excerpts as text parts ({text, mark}) and filters. Same loader as the /search page.
import { apiRoute, issueList } from '@/lib/http/api-route.ts';
import { notesApiError } from '@/lib/notes/notes-api-errors.ts';
import { SearchParams, searchNotes } from '@/lib/notes/note-search.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ via: ['session'], tenant: 'own', query: SearchParams, invalid: { query: issueList } }, async ({ tenant, query }) => {
  try {
    return await searchNotes(tenant.id, query);
  } catch (e) {
    throw notesApiError(e);
  }
});
