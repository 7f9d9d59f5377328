// POST /{project}/search/reindex: rebuild one project's search rows from its files. Entities, relations and
// stats are left alone (the next sync owns those); only the FTS rows are dropped and written again.
import fs from 'node:fs';
import type { IndexStore } from '../index/store.ts';
import { parseNote } from '../markdown/parse-note.ts';
import { ScanRoot } from '../fs/confined-fs.ts';
import { MAX_MARKDOWN_PARSE, SLICE_MS } from './sync-project.ts';

const PAGE = 500; // rows read at a time: a 100k-note project is never held in memory at once

interface Row { id: number; file_path: string; title: string; permalink: string | null; content_type: string }

/** Same search text as indexFile writes: parsed markdown body (+ tags), or the name alone. */
function searchText(scan: ScanRoot, r: Row): { text: string; permalink: string } {
  if (r.content_type !== 'text/markdown') return { text: '', permalink: r.file_path };
  try {
    // read through a proven fd (confined-fs ScanRoot): a folder swapped for a link to outside is refused
    const fd = scan.openFile(r.file_path);
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.size > MAX_MARKDOWN_PARSE) return { text: '', permalink: r.file_path };
      return { text: parseNote(r.file_path, fs.readFileSync(fd)).text, permalink: r.permalink ?? '' };
    } finally { fs.closeSync(fd); }
  } catch {
    return { text: '', permalink: r.permalink ?? r.file_path }; // gone (or refused) since the last sync: the next sync sees to it
  }
}

/** Caller holds the writer mutex. Returns the number of rows written. */
export async function reindexProjectSearch(store: IndexStore, projectId: number, root: string): Promise<number> {
  const scan = new ScanRoot(root);
  store.tx(() => store.db.prepare('DELETE FROM search WHERE rowid IN (SELECT id FROM entity WHERE project_id = ?)').run(projectId));
  const page = store.db.prepare('SELECT id, file_path, title, permalink, content_type FROM entity WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?');
  let last = 0;
  let written = 0;
  for (;;) {
    const rows = page.all(projectId, last, PAGE) as unknown as Row[];
    if (!rows.length) break;
    last = rows[rows.length - 1]!.id;
    let i = 0;
    while (i < rows.length) {
      const start = performance.now();
      store.tx(() => {
        for (; i < rows.length && performance.now() - start < SLICE_MS; i++) {
          const r = rows[i]!;
          const s = searchText(scan, r);
          store.setSearch(r.id, r.title, s.text, s.permalink, false);
          written++;
        }
      });
      await new Promise<void>((res) => setImmediate(res)); // let requests in between slices
    }
  }
  return written;
}
