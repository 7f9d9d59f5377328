// Writes imported notes (importers.ts) into a project: each one created atomically (temp, fsync, link: never
// over an existing file), then all indexed in one transaction. A file that already exists is left as it is and
// counted in `skipped_existing` (a re-import never overwrites what the user may have edited); a name that
// cannot be a safe path is skipped too.
import type { IndexStore } from '../index/store.ts';
import { sha256 } from '../sync/checksum.ts';
import { indexFile } from '../sync/index-file.ts';
import { atomicCreate } from '../fs/atomic-write.ts';
import { renderNote } from './entity-write.ts';
import type { ImportedNote } from './importers.ts';
import { statOf } from './notes.ts';
import { confine } from '../fs/safe-path.ts';

export interface ImportWriteResult { written: string[]; skipped_existing: string[]; skipped_invalid: string[] }

export function writeImportedNotes(store: IndexStore, projectId: number, root: string, notes: ImportedNote[]): ImportWriteResult {
  const res: ImportWriteResult = { written: [], skipped_existing: [], skipped_invalid: [] };
  const toIndex: { rel: string; abs: string; bytes: Buffer }[] = [];
  for (const n of notes) {
    let rel: string, abs: string;
    try {
      ({ rel, abs } = confine(root, n.rel));
      if (rel.split('/').some((s) => s.startsWith('.'))) throw new Error('hidden');
    } catch { res.skipped_invalid.push(n.rel); continue; }
    const text = renderNote(n.frontmatter, n.body);
    // atomicCreate makes missing folders through the confined walk
    try { atomicCreate(abs, text); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') { res.skipped_existing.push(rel); continue; }
      throw e;
    }
    res.written.push(rel);
    toIndex.push({ rel, abs, bytes: Buffer.from(text, 'utf8') });
  }
  store.tx(() => {
    for (const f of toIndex) {
      indexFile(store, { projectId, rel: f.rel, stat: statOf(f.abs), checksum: sha256(f.bytes), bytes: f.bytes, existingId: store.entityByPath(projectId, f.rel)?.id ?? null });
    }
    store.resolveRelations(projectId);
  });
  return res;
}
