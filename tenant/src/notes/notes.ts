// Explicit note operations (the only code that writes users' files): write, move, delete, read.
// Callers hold the engine's writer mutex. Every path goes through confine() first.
import path from 'node:path';
import { ConflictError, NotFoundError, PathError, PreconditionFailedError, type EntityResponse } from '../engine-types.ts';
import { resolveEntity } from './link-resolver.ts';
import type { EntityRow, FileStat, IndexStore } from '../index/store.ts';
import { splitFrontmatter } from '../markdown/frontmatter.ts';
import { generatePermalink, normalizePermalink } from '../markdown/permalink.ts';
import { yaml } from '../markdown/yaml-lazy.ts';
import { sha256 } from '../sync/checksum.ts';
import { indexFile } from '../sync/index-file.ts';
import { keepVersion } from '../history/note-history.ts';
import { atomicCreate, moveNoReplace } from '../fs/atomic-write.ts';
import { listDir, lstatConfined, readFileConfined, unlinkConfined } from '../fs/confined-fs.ts';
import { assertNoLookalike, portablePath, titleToFileName } from '../fs/portable-name.ts';
import { contentTypeFor, isMarkdown } from './content-type.ts';
import type { Trash } from './trash.ts';
import { entityResponse } from './entity-response.ts';
import { confine } from '../fs/safe-path.ts';
import { assertVisiblePath } from '../fs/visible-path.ts';
import { loadIgnoreRules } from '../sync/ignore-rules.ts';

export interface WriteNoteInput { title: string; folder: string; content: string; entity_type?: string; entity_metadata?: Record<string, unknown> }

export const statOf = (abs: string): FileStat => {
  const s = lstatConfined(abs);
  if (!s) throw new NotFoundError(`File not found: ${path.basename(abs)}`);
  return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: -1 /* unverified: the next scan re-hashes it once */, ino: s.ino, birthtimeMs: s.birthtimeMs };
};

function noHidden(rel: string): void {
  if (rel.split('/').some((s) => s.startsWith('.'))) throw new PathError('hidden files and folders are not synced; refusing to write one');
}

function fileNameFor(title: string): string {
  // normalised so the file name travels (portable-name.ts); the title itself is kept in the frontmatter
  const name = titleToFileName(title);
  if (!name || name === '.' || name === '..') throw new PathError('title cannot be used as a file name');
  return name;
}

export function writeNote(store: IndexStore, projectId: number, root: string, input: WriteNoteInput): EntityResponse {
  if (!input || typeof input.title !== 'string' || typeof input.content !== 'string') throw new PathError('title and content are required');
  const folder = portablePath(confine(root, input.folder ?? '', { allowRoot: true }).rel);
  const rel = portablePath(confine(root, folder ? `${folder}/${fileNameFor(input.title)}.md` : `${fileNameFor(input.title)}.md`).rel);
  noHidden(rel);
  const abs = path.join(root, rel);
  if (lstatConfined(abs) || store.entityByPath(projectId, rel)) throw new ConflictError('Note already exists. Use edit_note to modify it, or delete it first.');
  assertNoLookalike(root, rel, listDir);
  // content may carry its own frontmatter: merged under the explicit fields
  const own = splitFrontmatter(input.content);
  const meta: Record<string, unknown> = { ...(own.hasFrontmatter ? own.data : {}), ...(input.entity_metadata ?? {}) };
  const wanted = typeof meta.permalink === 'string' && meta.permalink ? normalizePermalink(meta.permalink) : null;
  const permalink = store.uniquePermalink(projectId, null, wanted, null, generatePermalink(rel) || 'note');
  delete meta.title; delete meta.type; delete meta.permalink;
  const fm = { title: input.title, type: input.entity_type || (own.data.type as string | undefined) || 'note', permalink, ...meta };
  const body = own.hasFrontmatter ? own.body : input.content;
  const text = `---\n${yaml().stringify(fm).trimEnd()}\n---\n\n${body}${body.endsWith('\n') ? '' : '\n'}`;
  try { atomicCreate(abs, text); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError('Note already exists. Use edit_note to modify it, or delete it first.');
    throw e;
  }
  const bytes = Buffer.from(text, 'utf8');
  const id = store.tx(() => {
    const r = indexFile(store, { projectId, rel, stat: statOf(abs), checksum: sha256(bytes), bytes, existingId: null });
    store.resolveRelations(projectId);
    return r.id;
  });
  return entityResponse(store, store.entity(id)!);
}

function resolveStrict(store: IndexStore, projectId: number, identifier: string, root: string) {
  if (typeof identifier !== 'string' || !identifier || identifier.includes('\0')) throw new PathError('invalid identifier');
  // an identifier naming a hidden or ignored path is refused, not looked up (the index never holds one anyway)
  assertVisiblePath(identifier, loadIgnoreRules(root));
  // Destructive operations never fall back to a full-text guess.
  return resolveEntity(store, projectId, identifier, { strict: true });
}

/** With a trash, the file is moved there (restorable); without one it is unlinked. */
export function deleteNote(store: IndexStore, projectId: number, root: string, identifier: string, expected: string | null = null,
  to?: DeleteTarget): boolean {
  const e = resolveStrict(store, projectId, identifier, root);
  if (!e) return false;
  deleteEntityFile(store, root, e, expected, to);
  return true;
}

export interface DeleteTarget { trash: Trash; project: string }

/** Deletes this indexed note or file (already resolved): to the trash when there is one, then its index row. */
export function deleteEntityFile(store: IndexStore, root: string, e: EntityRow, expected: string | null = null, to?: DeleteTarget): void {
  const { abs } = confine(root, e.file_path);
  if (expected) {
    let now: string | null = null;
    try { now = sha256(readFileConfined(abs)); } catch { /* gone: nothing to compare */ }
    if (now !== expected.toLowerCase()) throw new PreconditionFailedError('The note changed since it was read; reload it before deleting');
  }
  if (!to) { keepVersion(abs, 'delete'); unlinkConfined(abs); }
  else if (lstatConfined(abs)) to.trash.put(abs, { kind: isMarkdown(e.file_path) ? 'note' : 'file', project: to.project, path: e.file_path, title: e.title });
  store.tx(() => store.deleteEntity(e.id));
}

export function moveNote(store: IndexStore, projectId: number, root: string, identifier: string, destinationPath: string): EntityResponse {
  const e = resolveStrict(store, projectId, identifier, root);
  if (!e) throw new NotFoundError(`Entity not found: ${identifier}`);
  return moveEntityFile(store, projectId, root, e, destinationPath);
}

/**
 * Moves this indexed note or file (already resolved) to destinationPath; it keeps its id and permalink.
 * `resolveLinks: false` leaves forward references to the caller (a folder move resolves them once at the end).
 */
export function moveEntityFile(store: IndexStore, projectId: number, root: string, e: EntityRow, destinationPath: string,
  opts: { resolveLinks?: boolean } = {}): EntityResponse {
  const destRel = portablePath(confine(root, destinationPath).rel);
  const dest = { rel: destRel, abs: path.join(root, destRel) };
  noHidden(dest.rel);
  assertVisiblePath(dest.rel, loadIgnoreRules(root));
  const src = confine(root, e.file_path);
  if (dest.rel === src.rel) return entityResponse(store, e);
  if (lstatConfined(dest.abs) || store.entityByPath(projectId, dest.rel)) throw new ConflictError(`Destination already exists: ${dest.rel}`);
  if (!lstatConfined(src.abs)?.isFile()) throw new NotFoundError(`File not found: ${e.file_path}`);
  assertNoLookalike(root, dest.rel, listDir, src.rel); // a case-only rename of the note itself is fine
  keepVersion(src.abs, 'move', { movedToAbs: dest.abs });
  try { moveNoReplace(src.abs, dest.abs); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`Destination already exists: ${dest.rel}`);
    throw err;
  }
  const bytes = readFileConfined(dest.abs);
  store.tx(() => {
    indexFile(store, { projectId, rel: dest.rel, stat: statOf(dest.abs), checksum: sha256(bytes),
      bytes: contentTypeFor(dest.rel) === 'text/markdown' ? bytes : null, existingId: e.id, existingPermalink: e.permalink });
    if (opts.resolveLinks !== false) store.resolveRelations(projectId);
  });
  return entityResponse(store, store.entity(e.id)!);
}

export function readResource(store: IndexStore, projectId: number, root: string, relPath: string): { absPath: string; size: number; contentType: string } {
  const p = confine(root, relPath);
  let st = lstatConfined(p.abs);
  let rel = p.rel, abs = p.abs;
  if (!st?.isFile()) {
    const e = store.findEntity(projectId, relPath); // a permalink or title works too (upstream GET /resource/{identifier})
    if (!e) throw new NotFoundError(`Resource not found: ${relPath}`);
    ({ rel, abs } = confine(root, e.file_path));
    st = lstatConfined(abs);
    if (!st?.isFile()) throw new NotFoundError(`Resource not found: ${relPath}`);
  }
  return { absPath: abs, size: st.size, contentType: contentTypeFor(rel) };
}
