// GET /api/projects/{name}/notes: the project's tree, recent activity (tenant memory/recent) and index state (what the notes
// page shows). The tenant is the caller's own; another person's project of the same name is theirs.
import { requireApiTenant } from '@/lib/auth/session.ts';
import { notFound, withJsonErrors } from '@/lib/http/errors.ts';
import { relFromSegments } from '@/lib/notes/note-paths.ts';
import { loadProjectNotes } from '@/lib/notes/note-view.ts';
import { notesApiError } from '@/lib/notes/notes-api-errors.ts';

export const dynamic = 'force-dynamic';

export const GET = withJsonErrors(async (_req: Request, ctx: { params: Promise<{ name: string }> }) => {
  const project = relFromSegments([(await ctx.params).name]);
  if (!project) throw notFound();
  const { tenant } = await requireApiTenant();
  try {
    const { pt, recent, recentFailure } = await loadProjectNotes(tenant.id, project);
    return Response.json({ project, index: pt.index, empty: pt.empty, tree: pt.tree, recent, recent_failure: recentFailure }, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    throw notesApiError(e);
  }
});
