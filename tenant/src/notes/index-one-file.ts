// v2 POST /knowledge/sync-file (v0.22.1) and /knowledge/index-file (HEAD): index one markdown file that is on disk
// now, without a project sync (a client wrote it by other means and wants to address it at once). The file is read
// through the confined helpers; hidden and ignored paths are refused like everywhere else. Caller holds the writer.
import path from 'node:path';
import { BadRequestError, NotFoundError } from '../engine-types.ts';
import type { EntityRow, IndexStore } from '../index/store.ts';
import { sha256 } from '../sync/checksum.ts';
import { loadIgnoreRules } from '../sync/ignore-rules.ts';
import { indexFile } from '../sync/index-file.ts';
import { MAX_MARKDOWN_PARSE } from '../sync/sync-project.ts';
import { listDir, lstatConfined, readFileConfined } from '../fs/confined-fs.ts';
import { isMarkdown } from './content-type.ts';
import { statOf } from './notes.ts';
import { assertVisiblePath } from '../fs/visible-path.ts';

/**
 * The path as it is on disk: each segment matched exactly, else by a unique case-insensitive match (upstream does
 * the same, so a client's wrong casing does not index a second copy on case-insensitive disks). null: not found.
 */
function onDiskPath(root: string, segments: string[]): string | null {
  const out: string[] = [];
  for (const seg of segments) {
    let names: string[];
    try { names = listDir(path.join(root, ...out)).map((d) => d.name); } catch { return null; }
    if (names.includes(seg)) { out.push(seg); continue; }
    const folded = names.filter((n) => n.toLowerCase() === seg.toLowerCase());
    if (folded.length !== 1) return null;
    out.push(folded[0]!);
  }
  return out.join('/');
}

/** `given` is the client's path as sent (already refused at the edge if it leaves the project). */
export function indexOneFile(store: IndexStore, projectId: number, root: string, given: string): EntityRow {
  const segments = given.split('/');
  if (segments.some((s) => s === '' || s === '.')) {
    throw new BadRequestError(`File path '${given}' is not normalized - segments like './' or '//' are not allowed`);
  }
  const rules = loadIgnoreRules(root);
  assertVisiblePath(given, rules);
  const rel = onDiskPath(root, segments);
  if (rel === null) throw new NotFoundError(`File not found on disk: '${given}'`);
  assertVisiblePath(rel, rules);
  if (!isMarkdown(rel)) throw new BadRequestError(`Only markdown files can be indexed: '${given}'`);
  const abs = path.join(root, rel);
  if (!lstatConfined(abs)?.isFile()) throw new NotFoundError(`File not found on disk: '${given}'`);
  const bytes = readFileConfined(abs);
  const existing = store.entityByPath(projectId, rel);
  const id = store.tx(() => {
    const r = indexFile(store, { projectId, rel, stat: statOf(abs), checksum: sha256(bytes), bytes: bytes.length <= MAX_MARKDOWN_PARSE ? bytes : null,
      existingId: existing?.id ?? null });
    store.clearFailure(projectId, rel);
    store.resolveRelations(projectId);
    return r.id;
  });
  return store.entity(id)!;
}
