// POST /{project}/search/reindex: rebuild one project's search rows from its files. Entities, relations and
// stats are left alone (the next sync owns those); only the FTS rows are dropped and written again.
import fs from 'node:fs';
import type { IndexStore } from '../index/store.ts';
import { deleteProjectSearch, searchSourcePager, type SearchSourceRow } from '../repositories/search-repository.ts';
import { parseNote } from '../markdown/parse-note.ts';
import { ScanRoot } from '../fs/confined-fs.ts';
import { MAX_MARKDOWN_PARSE, SLICE_MS } from './sync-project.ts';

const PAGE = 500; // rows read at a time: a 100k-note project is never held in memory at once

/** Same search text as indexFile writes: parsed markdown body (+ tags), or the name alone. */
function searchText(scan: ScanRoot, r: SearchSourceRow): { text: string; permalink: string } {
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
  store.tx(() => deleteProjectSearch(store.db, projectId));
  const page = searchSourcePager(store.db, projectId, PAGE);
  let last = 0;
  let written = 0;
  for (;;) {
    const rows = page(last);
    if (!rows.length) break;
    last = rows[rows.length - 1]!.id;
    let i = 0;
    while (i < rows.length) {
      const start = performance.now();
      store.tx(() => {
        for (; i < rows.length && performance.now() - start < SLICE_MS; i++) {
          const r = rows[i]!;
          const s = searchText(scan, r);
          store.setSearch(r.id, projectId, r.title, s.text, s.permalink, false);
          written++;
        }
      });
      await new Promise<void>((res) => setImmediate(res)); // let requests in between slices
    }
  }
  return written;
}
