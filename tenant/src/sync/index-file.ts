// Index one file's content: entity row + observations + relations + search row. Caller holds a transaction.
import path from 'node:path';
import type { FileStat, IndexStore } from '../index/store.ts';
import { parseNote } from '../markdown/parse-note.ts';
import { generatePermalink } from '../markdown/permalink.ts';
import { contentTypeFor } from '../notes/content-type.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export interface IndexInput {
  projectId: number;
  rel: string;
  stat: FileStat;
  checksum: string;
  /** markdown bytes to parse; null for binaries and markdown too large to parse */
  bytes: Uint8Array | null;
  existingId: number | null;
  existingPermalink?: string | null;
}

/** Returns the entity id and parse warnings. */
export function indexFile(store: IndexStore, inp: IndexInput): { id: number; warnings: string[] } {
  const contentType = contentTypeFor(inp.rel);
  const created = inp.stat.birthtimeMs > 0 ? inp.stat.birthtimeMs : inp.stat.ctimeMs;
  const replace = inp.existingId !== null;
  const existingPermalink = inp.existingPermalink !== undefined ? inp.existingPermalink
    : replace ? (store.entity(inp.existingId!)?.permalink ?? null) : null;
  if (contentType === 'text/markdown' && inp.bytes) {
    const note = parseNote(inp.rel, inp.bytes);
    const permalink = store.uniquePermalink(inp.projectId, inp.existingId, note.permalink, existingPermalink, generatePermalink(inp.rel) || 'note');
    const fields = { file_path: inp.rel, permalink, title: note.title, entity_type: note.entityType, content_type: contentType,
      entity_metadata: JSON.stringify(note.metadata), checksum: inp.checksum, created_at: iso(created), updated_at: iso(inp.stat.mtimeMs),
      observations: note.observations };
    let id: number;
    if (replace) { id = inp.existingId!; store.updateEntity(id, fields, inp.stat); } else id = store.insertEntity(inp.projectId, fields, inp.stat);
    store.setSearch(id, inp.projectId, note.title, note.text, permalink, replace);
    store.setRelations(inp.projectId, id, note.relations, replace);
    store.setWarnings(id, note.warnings, replace, new Date().toISOString());
    return { id, warnings: note.warnings };
  }
  const warnings = contentType === 'text/markdown' ? ['markdown file too large to parse: indexed by name only'] : [];
  const title = path.posix.basename(inp.rel);
  const isMd = contentType === 'text/markdown';
  const permalink = isMd ? store.uniquePermalink(inp.projectId, inp.existingId, null, existingPermalink, generatePermalink(inp.rel) || 'note') : null;
  const fields = { file_path: inp.rel, permalink, title: isMd ? title.replace(/\.[^.]+$/, '') : title, entity_type: isMd ? 'note' : 'file',
    content_type: contentType, entity_metadata: '{}', checksum: inp.checksum, created_at: iso(created), updated_at: iso(inp.stat.mtimeMs),
    observations: [] };
  let id: number;
  if (replace) { id = inp.existingId!; store.updateEntity(id, fields, inp.stat); } else id = store.insertEntity(inp.projectId, fields, inp.stat);
  store.setSearch(id, inp.projectId, fields.title, '', inp.rel, replace);
  if (replace) store.setRelations(inp.projectId, id, [], true);
  store.setWarnings(id, warnings, replace, new Date().toISOString());
  return { id, warnings };
}
