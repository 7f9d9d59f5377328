// Identifier → note, upstream's link-resolution order: exact permalink → exact title (the oldest note when
// several share it) → exact file path → path + '.md' → (ours) the permalink of the text → (reads only, not
// strict) the best full-text match. Accepts `memory://` URLs and `[[wiki|alias]]` text.
import type { EntityRow, IndexStore } from '../index/store.ts';
import { normalizePermalink } from '../markdown/permalink.ts';
import { entityWhere, type EntityLookupColumn } from '../repositories/entity-repository.ts';
import { bestMatch } from '../repositories/search-repository.ts';
import { toFtsQuery } from './fts-query.ts';

/** `memory://a/b`, `/a/b`, `[[A|alias]]` → `a/b`, `A`. */
export function cleanIdentifier(identifier: string): string {
  let s = identifier.trim();
  if (s.startsWith('memory://')) s = s.slice('memory://'.length);
  if (s.startsWith('[[') && s.endsWith(']]')) s = s.slice(2, -2);
  const bar = s.indexOf('|');
  if (bar >= 0) s = s.slice(0, bar);
  return s.trim().replace(/^\/+/, '');
}

export function resolveEntity(store: IndexStore, projectId: number, identifier: string, opts: { strict: boolean }): EntityRow | undefined {
  const id = cleanIdentifier(identifier);
  if (!id) return undefined;
  const db = store.db;
  const one = (column: EntityLookupColumn, value: string) => entityWhere(db, projectId, column, value);
  const hit = one('permalink', id)
    ?? one('title', id)
    ?? one('file_path', id)
    ?? (!id.endsWith('.md') ? one('file_path', `${id}.md`) : undefined);
  if (hit) return hit;
  // One name in two Unicode spellings (NFC as we write, NFD as macOS may): asked in one, indexed in the other.
  for (const form of ['NFC', 'NFD'] as const) {
    const other = id.normalize(form);
    if (other === id) continue;
    const twin = one('permalink', other)
      ?? one('file_path', other)
      ?? (!other.endsWith('.md') ? one('file_path', `${other}.md`) : undefined);
    if (twin) return twin;
  }
  const norm = normalizePermalink(id);
  if (norm && norm !== id) {
    const byNorm = one('permalink', norm);
    if (byNorm) return byNorm;
  }
  if (opts.strict || id.includes('*')) return undefined;
  const fts = toFtsQuery(id);
  if (!fts) return undefined;
  return bestMatch(db, projectId, fts);
}

/** memory:// glob (`docs/*`) → SQLite GLOB over permalinks, each literal part normalised like a permalink. */
export function permalinkGlob(pattern: string): string {
  return cleanIdentifier(pattern).split('*').map((part) => {
    // keep the slashes a part starts or ends with: normalisation trims them
    const lead = part.startsWith('/') ? '/' : '';
    const trail = part.endsWith('/') && part.length > 1 ? '/' : '';
    const core = normalizePermalink(part);
    return core ? `${lead}${core}${trail}`.replace(/\/\//g, '/') : (part === '/' ? '/' : '');
  }).map((p) => p.replace(/[[\]?]/g, '')).join('*');
}
