// GET /api/search?q=&project=&type=&tag=&category=&page= : search the caller's notes (one project or all),
// with excerpts as text parts ({text, mark}) and filters. Same loader as the /search page.
import { requireApiTenant } from '@/lib/auth/session.ts';
import { HttpError, withJsonErrors } from '@/lib/http/errors.ts';
import { notesApiError } from '@/lib/notes/notes-api-errors.ts';
import { SearchParams, searchNotes } from '@/lib/notes/note-search.ts';

export const dynamic = 'force-dynamic';

export const GET = withJsonErrors(async (req: Request) => {
  const { tenant } = await requireApiTenant();
  const parsed = SearchParams.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) throw new HttpError(422, parsed.error.issues.map((i) => ({ loc: ['query', ...i.path.map(String)], msg: i.message, type: i.code })) as unknown as Record<string, unknown>);
  try {
    return Response.json(await searchNotes(tenant.id, parsed.data), { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    throw notesApiError(e);
  }
});
