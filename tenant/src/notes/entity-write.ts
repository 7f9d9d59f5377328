// Create-or-replace (PUT /knowledge/entities/{permalink}) and edit (PATCH) of one note, under the engine's writer
// mutex (the caller holds it). Every write: temp file + fsync + rename (atomic-write.ts), then indexed at once
// (the sync's per-file indexer). Optimistic concurrency: when the client says which version it read (the
// note's sha256 `checksum`, via If-Match or `expected_checksum`), a file whose bytes differ now is never
// overwritten: PreconditionFailedError, nothing written.
import { isUtf8 } from 'node:buffer';
import { BadRequestError, NotFoundError, PathError, PreconditionFailedError, type EntityResponse } from '../engine-types.ts';
import { readFileConfined } from '../fs/confined-fs.ts';
import type { EntityRow, IndexStore } from '../index/store.ts';
import { splitFrontmatter } from '../markdown/frontmatter.ts';
import { generatePermalink, normalizePermalink } from '../markdown/permalink.ts';
import { yaml } from '../markdown/yaml-lazy.ts';
import { sha256 } from '../sync/checksum.ts';
import { indexFile } from '../sync/index-file.ts';
import { MAX_MARKDOWN_PARSE } from '../sync/sync-project.ts';
import { keepVersion } from '../history/note-history.ts';
import { atomicReplace } from '../fs/atomic-write.ts';
import { applyEdit, EditRefused, type EditInput } from './edit-operations.ts';
import { entityResponse } from './entity-response.ts';
import { resolveEntity } from './link-resolver.ts';
import { statOf } from './notes.ts';
import { confine } from '../fs/safe-path.ts';


export interface PutNoteInput {
  title: string; folder: string; content: string; entity_type?: string; entity_metadata?: Record<string, unknown> | null;
}

// eslint-disable-next-line no-control-regex
const UNSAFE_FILE_CHARS = /[\u0000-\u001f\u007f/\\<>:"|?*]/g;

/** Upstream sanitize_for_filename: separators and <>:"|?* become '-', runs of '-' collapse, '-' trimmed (so "A/B" is one file). */
export function safeTitle(title: string): string {
  const name = title.replace(UNSAFE_FILE_CHARS, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '').trim();
  if (!name || name === '.' || name === '..' || name.startsWith('.')) throw new PathError('title cannot be used as a file name');
  return name;
}

/** Upstream sanitize_for_folder: keeps letters, digits, '.', ' ', '-', '_' and separators; collapses and trims separators. */
export function safeFolder(folder: string): string {
  let f = folder.trim();
  if (f.startsWith('./')) f = f.slice(2);
  f = [...f].filter((c) => /[\p{L}\p{N}. _\-\\/]/u.test(c)).join('').trimEnd();
  return f.replace(/[\\/]+/g, '/').replace(/^\/+|\/+$/g, '');
}

/** Project-relative path of a note from its folder and title (upstream Entity.file_path). */
export function notePath(folder: string, title: string): string {
  const f = safeFolder(folder);
  return f ? `${f}/${safeTitle(title)}.md` : `${safeTitle(title)}.md`;
}

export function renderNote(fm: Record<string, unknown>, body: string): string {
  return `---\n${yaml().stringify(fm).trimEnd()}\n---\n\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}`;
}

function checkExpected(abs: string, expected: string | null | undefined): Buffer | null {
  let bytes: Buffer | null = null;
  try { bytes = readFileConfined(abs); } catch (e) { if (!(e instanceof NotFoundError) && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
  if (expected) {
    const now = bytes ? sha256(bytes) : null;
    if (now !== expected.toLowerCase()) {
      throw new PreconditionFailedError(now
        ? `The note changed since it was read (checksum ${expected.slice(0, 12)}… expected, ${now.slice(0, 12)}… on disk); reload it and retry`
        : 'The note no longer exists on disk; reload and retry');
    }
  }
  return bytes;
}

function writeAndIndex(store: IndexStore, projectId: number, root: string, rel: string, text: string, existing: EntityRow | null): EntityResponse {
  const { abs } = confine(root, rel);
  atomicReplace(abs, text); // creates missing folders through the confined walk
  const bytes = Buffer.from(text, 'utf8');
  const id = store.tx(() => {
    const r = indexFile(store, { projectId, rel, stat: statOf(abs), checksum: sha256(bytes), bytes: bytes.length <= MAX_MARKDOWN_PARSE ? bytes : null,
      existingId: existing?.id ?? null, existingPermalink: existing?.permalink ?? null });
    store.clearFailure(projectId, rel);
    store.resolveRelations(projectId);
    return r.id;
  });
  return entityResponse(store, store.entity(id)!);
}

/** PUT: the note at folder/title (or the one owning `urlPermalink`) is created or replaced. */
export function putNote(store: IndexStore, projectId: number, root: string, urlPermalink: string, input: PutNoteInput,
  expected: string | null, opts: { target?: EntityRow } = {}): { entity: EntityResponse; created: boolean } {
  const rel = confine(root, notePath(input.folder, input.title)).rel;
  if (rel.split('/').some((s) => s.startsWith('.'))) throw new PathError('hidden files and folders are not synced; refusing to write one');
  const computed = generatePermalink(rel);
  const own = splitFrontmatter(input.content);
  const wantedRaw = own.hasFrontmatter && typeof own.data.permalink === 'string' ? own.data.permalink : null;
  const bodyPermalink = wantedRaw ? normalizePermalink(wantedRaw) : computed;
  if (!opts.target && normalizePermalink(urlPermalink) !== bodyPermalink && normalizePermalink(urlPermalink) !== computed) {
    throw new BadRequestError(`Entity permalink ${bodyPermalink} must match URL path: '${urlPermalink}'`);
  }
  // v2 names the note by its id (target): it is replaced where it is.
  const existing = opts.target ?? store.entityByPath(projectId, rel) ?? resolveEntity(store, projectId, urlPermalink, { strict: true }) ?? null;
  const targetRel = existing ? existing.file_path : rel;
  const { abs } = confine(root, targetRel);
  const current = checkExpected(abs, expected);
  let prior: Record<string, unknown> = {};
  if (current && isUtf8(current)) { const p = splitFrontmatter(current.toString('utf8')); if (p.hasFrontmatter) prior = p.data; }
  const meta: Record<string, unknown> = { ...prior, ...(own.hasFrontmatter ? own.data : {}), ...(input.entity_metadata ?? {}) };
  const permalink = store.uniquePermalink(projectId, existing?.id ?? null, wantedRaw ? bodyPermalink : null, existing?.permalink ?? null, computed || 'note');
  delete meta.title; delete meta.type; delete meta.permalink;
  const type = input.entity_type || (typeof own.data.type === 'string' ? own.data.type : '') || (typeof prior.type === 'string' ? prior.type : '') || 'note';
  const text = renderNote({ title: input.title, type, permalink, ...meta }, own.hasFrontmatter ? own.body : input.content);
  if (current) keepVersion(abs, 'overwrite', { bytes: current, replacedBy: Buffer.from(text, 'utf8') });
  // A file on disk the index has not seen yet (sync pending) is replaced, and reported as an update.
  return { entity: writeAndIndex(store, projectId, root, targetRel, text, existing ?? store.entityByPath(projectId, targetRel) ?? null), created: !existing && !current };
}

/** PATCH: one edit operation on the note's current text on disk. */
export function editNote(store: IndexStore, projectId: number, root: string, identifier: string, edit: EditInput, expected: string | null): EntityResponse {
  const e = resolveEntity(store, projectId, identifier, { strict: true });
  if (!e) throw new NotFoundError(`Entity not found: ${identifier}`);
  if (e.content_type !== 'text/markdown') throw new EditRefused(`'${e.file_path}' is not a markdown note; only notes can be edited`);
  const { abs } = confine(root, e.file_path);
  const bytes = checkExpected(abs, expected);
  if (!bytes) throw new NotFoundError(`File not found: ${e.file_path}`);
  // Editing text we could not decode faithfully would destroy the bytes we cannot show: refuse.
  if (bytes.subarray(0, 8192).includes(0)) throw new EditRefused(`'${e.file_path}' holds binary data, not text; edit refused (nothing was changed)`);
  if (!isUtf8(bytes)) throw new EditRefused(`'${e.file_path}' is not valid UTF-8; edit refused (nothing was changed)`);
  const next = applyEdit(bytes.toString('utf8'), edit);
  keepVersion(abs, 'edit', { bytes, replacedBy: Buffer.from(next, 'utf8') });
  return writeAndIndex(store, projectId, root, e.file_path, next, e);
}

