// One folder level of a snapshot's file list: its subfolders (with how many files and bytes each holds) and its
// files, for the browse page (a folder tree, one level per page, so a 100,000-file snapshot stays light).
import type { BrowseFile } from './snapshot-shapes.ts';

export interface TreeFolder { name: string; key: string; files: number; bytes: number }
export interface TreeFile { name: string; key: string; size: number; last_modified: string }

/** `dir` is a key without slashes at the ends ('' = the top: project folders). */
export function folderLevel(files: BrowseFile[], dir: string): { folders: TreeFolder[]; files: TreeFile[]; total: number } {
  const base = dir ? dir + '/' : '';
  const folders = new Map<string, TreeFolder>();
  const here: TreeFile[] = [];
  let total = 0;
  for (const f of files) {
    if (!f.key.startsWith(base)) continue;
    total++;
    const rest = f.key.slice(base.length);
    const slash = rest.indexOf('/');
    if (slash < 0) { here.push({ name: rest, key: f.key, size: f.size, last_modified: f.last_modified }); continue; }
    const name = rest.slice(0, slash);
    const entry = folders.get(name) ?? { name, key: base + name, files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += f.size;
    folders.set(name, entry);
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return { folders: [...folders.values()].sort(byName), files: here.sort(byName), total };
}
