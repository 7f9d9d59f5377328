// GET  /api/projects/{name}/notes/{path}: what the note page shows (note, other file or folder).
// PUT  /api/projects/{name}/notes/{path} {content, base_checksum} (or `If-Match: "<sha256>"`): saves a note's
//      source only if the file on disk is still the version the editor opened (sha256 of its bytes);
//      otherwise 409 {"detail":{"error":"conflict",…}} and nothing is written. The version goes to the tenant's
//      atomic PUT /{project}/resource/{path} as If-Match, which checks it under its writer lock right before
//      the rename (no window between check and write). Same-origin only (cookie-authenticated write, apiRoute).
import { z } from 'zod';
import { apiRoute, issueList } from '@/lib/http/api-route.ts';
import { HttpError, notFound } from '@/lib/http/errors.ts';
import { isSafeRel, relFromSegments } from '@/lib/notes/note-paths.ts';
import { isMarkdownPath, loadNotePage, MAX_NOTE_BYTES, sha256 } from '@/lib/notes/note-view.ts';
import { notesApiError } from '@/lib/notes/notes-api-errors.ts';
import { TenantVersionConflict, writeFile } from '@/lib/notes/tenant-notes.ts';

export const dynamic = 'force-dynamic';

/** `{name}/{...path}`: a project and a safe relative path in it (anything else is a 404). */
const NoteTarget = z.object({ name: z.string(), path: z.array(z.string()) })
  .transform((p) => ({ project: relFromSegments([p.name]), rel: relFromSegments(p.path) }))
  .refine((t) => !!t.project && isSafeRel(t.rel));

export const GET = apiRoute({ via: ['session'], tenant: 'own', params: NoteTarget }, async ({ tenant, params: { project, rel } }) => {
  try {
    const { pt, view } = await loadNotePage(tenant.id, project, rel);
    if (pt.index.state === 'not_indexed') throw new HttpError(503, { error: 'not_indexed_yet', message: pt.index.message }, { 'retry-after': '2' });
    if (!view) throw notFound();
    return view;
  } catch (e) {
    throw notesApiError(e);
  }
});

const Checksum = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 checksum (64 lower-case hex digits)');
const SaveBody = z.object({
  content: z.string().max(MAX_NOTE_BYTES),
  base_checksum: Checksum.optional(),
});

/** The version the editor opened: `If-Match: "<sha256>"` (the editor sends it), else the body's base_checksum. */
function baseVersion(req: Request, body: z.infer<typeof SaveBody>): string {
  const h = req.headers.get('if-match')?.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  const v = h || body.base_checksum;
  const parsed = Checksum.safeParse(v);
  if (!parsed.success) {
    throw new HttpError(422, [{ loc: h ? ['header', 'If-Match'] : ['body', 'base_checksum'], msg: v ? parsed.error.issues[0]!.message : 'The version you opened is required (If-Match or base_checksum); without it a save could overwrite changes.', type: v ? 'value_error' : 'missing' }] as unknown as Record<string, unknown>);
  }
  return parsed.data;
}

export const PUT = apiRoute({
  via: ['session'], tenant: 'own', params: NoteTarget, body: SaveBody, invalid: { body: issueList }, bodyExample: '{"content", "base_checksum"}',
}, async ({ req, tenant, params: { project, rel }, body }) => {
  if (!isMarkdownPath(rel)) throw new HttpError(400, 'Only markdown notes can be edited here.');
  const base = baseVersion(req, body);
  try {
    const bytes = Buffer.from(body.content, 'utf8');
    await writeFile(tenant.id, project, rel, bytes, base);
    return { checksum: sha256(bytes) };
  } catch (e) {
    if (e instanceof TenantVersionConflict) {
      throw new HttpError(409, { error: 'conflict', message: `This note changed on disk since you opened it (or was moved or deleted); nothing was saved. ${e.message}` });
    }
    if (e instanceof HttpError) throw e;
    throw notesApiError(e);
  }
});
