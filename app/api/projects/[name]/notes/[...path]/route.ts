// GET  /api/projects/{name}/notes/{path}: what the note page shows (note, other file or folder).
// PUT  /api/projects/{name}/notes/{path} {content, base_checksum}: saves a note's source only if the file
//      on disk is still the version the editor opened (sha256 of its bytes); otherwise 409
//      {"detail":{"error":"conflict",…}} and nothing is written. The write itself is the tenant's atomic
//      PUT /{project}/resource/{path}. Same-origin only (cookie-authenticated write).
import { z } from 'zod';
import { requireApiTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { checkSameOrigin, HttpError, notFound, withJsonErrors } from '@/lib/http/errors.ts';
import { isSafeRel, relFromSegments } from '@/lib/notes/note-paths.ts';
import { isMarkdownPath, loadNotePage, MAX_NOTE_BYTES, sha256 } from '@/lib/notes/note-view.ts';
import { notesApiError } from '@/lib/notes/notes-api-errors.ts';
import { readFile, writeFile } from '@/lib/notes/tenant-notes.ts';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ name: string; path: string[] }> };

async function target(ctx: Ctx) {
  const p = await ctx.params;
  const project = relFromSegments([p.name]);
  const rel = relFromSegments(p.path);
  if (!project || !isSafeRel(rel)) throw notFound();
  return { project, rel };
}

export const GET = withJsonErrors(async (_req: Request, ctx: Ctx) => {
  const { project, rel } = await target(ctx);
  const { tenant } = await requireApiTenant();
  try {
    const { pt, view } = await loadNotePage(tenant.id, project, rel);
    if (pt.index.state === 'not_indexed') throw new HttpError(503, { error: 'not_indexed_yet', message: pt.index.message }, { 'retry-after': '2' });
    if (!view) throw notFound();
    return Response.json(view, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    throw notesApiError(e);
  }
});

const SaveBody = z.object({
  content: z.string().max(MAX_NOTE_BYTES),
  base_checksum: z.string().regex(/^[0-9a-f]{64}$/),
});

export const PUT = withJsonErrors(async (req: Request, ctx: Ctx) => {
  const { project, rel } = await target(ctx);
  const { tenant } = await requireApiTenant();
  const bad = checkSameOrigin(req, getConfig().app.appUrl);
  if (bad) throw bad;
  if (!isMarkdownPath(rel)) throw new HttpError(400, 'Only markdown notes can be edited here.');
  let body: z.infer<typeof SaveBody>;
  try {
    const parsed = SaveBody.safeParse(await req.json());
    if (!parsed.success) throw new HttpError(422, parsed.error.issues.map((i) => ({ loc: ['body', ...i.path.map(String)], msg: i.message, type: i.code })) as unknown as Record<string, unknown>);
    body = parsed.data;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, 'The body must be JSON: {"content", "base_checksum"}.');
  }
  try {
    const current = await readFile(tenant.id, project, rel, MAX_NOTE_BYTES + 1);
    if (!current) throw new HttpError(409, { error: 'conflict', message: 'This note was moved or deleted since you opened it.', current_checksum: null });
    const currentSum = sha256(current.bytes);
    if (current.truncated || currentSum !== body.base_checksum) {
      throw new HttpError(409, { error: 'conflict', message: 'This note changed on disk since you opened it; nothing was saved.', current_checksum: currentSum });
    }
    const bytes = Buffer.from(body.content, 'utf8');
    await writeFile(tenant.id, project, rel, bytes);
    return Response.json({ checksum: sha256(bytes) }, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw notesApiError(e);
  }
});
