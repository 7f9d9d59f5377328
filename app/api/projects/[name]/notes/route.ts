// GET /api/projects/{name}/notes: the project's tree, recent activity (tenant memory/recent) and index state (what the notes
// page shows). The tenant is the caller's own; another person's project of the same name is theirs.
import { z } from 'zod';
import { apiRoute } from '@/lib/http/api-route.ts';
import { relFromSegments } from '@/lib/notes/note-paths.ts';
import { loadProjectNotes } from '@/lib/notes/note-view.ts';
import { notesApiError } from '@/lib/notes/notes-api-errors.ts';

export const dynamic = 'force-dynamic';

const Params = z.object({ name: z.string().transform((n) => relFromSegments([n])).pipe(z.string().min(1)) });

export const GET = apiRoute({ via: ['session'], tenant: 'own', params: Params }, async ({ tenant, params: { name: project } }) => {
  try {
    const { pt, recent, recentFailure } = await loadProjectNotes(tenant.id, project);
    return { project, index: pt.index, empty: pt.empty, tree: pt.tree, recent, recent_failure: recentFailure };
  } catch (e) {
    throw notesApiError(e);
  }
});
