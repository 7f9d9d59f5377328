// Directory tree of one project, from the index (what is synced; ignored files do not appear).
import type { DirectoryNode } from '../engine-types.ts';
import type { IndexStore } from '../index/store.ts';
import { entityListing, iterateEntityListing } from '../repositories/entity-repository.ts';

export function listDirectory(store: IndexStore, projectId: number, dirRel: string, depth: number): DirectoryNode[] {
  const maxDepth = Math.max(1, Math.min(32, Math.floor(depth) || 1));
  const prefix = dirRel ? `${dirRel}/` : '';
  const rows = entityListing(store.db, projectId, dirRel) as unknown as Record<string, unknown>[];
  const root: DirectoryNode[] = [];
  const dirs = new Map<string, DirectoryNode>();
  const childrenOf = (dir: string): DirectoryNode[] => (dir === dirRel ? root : dirs.get(dir)!.children!);
  for (const r of rows) {
    const fp = r.file_path as string;
    const parts = fp.slice(prefix.length).split('/');
    let parent = dirRel;
    for (let i = 0; i < parts.length - 1 && i < maxDepth; i++) {
      const d = parent ? `${parent}/${parts[i]}` : parts[i]!;
      if (!dirs.has(d)) {
        const node: DirectoryNode = { name: parts[i]!, file_path: d, directory_path: `/${d}`, type: 'directory', children: [] };
        dirs.set(d, node);
        childrenOf(parent).push(node);
      }
      parent = d;
    }
    if (parts.length - 1 >= maxDepth) continue; // deeper than asked: only its folders are listed
    childrenOf(parent).push({ name: parts[parts.length - 1]!, file_path: fp, directory_path: `/${fp}`, type: 'file', title: r.title as string,
      permalink: r.permalink as string | null, entity_id: r.id as number, entity_type: r.entity_type as string,
      content_type: r.content_type as string, updated_at: r.updated_at as string });
  }
  if (maxDepth >= 1) for (const d of dirs.values()) if (d.file_path!.split('/').length - (dirRel ? dirRel.split('/').length : 0) >= maxDepth) delete d.children;
  return root;
}

/** GET /directory/tree (files: true) and /directory/structure (folders only): the whole project under a "Root" node. */
export function directoryTree(store: IndexStore, projectId: number, opts: { files: boolean }): DirectoryNode {
  const root: DirectoryNode = { name: 'Root', directory_path: '/', type: 'directory', children: [] };
  const dirs = new Map<string, DirectoryNode>([['', root]]);
  const dirNode = (dir: string): DirectoryNode => {
    let node = dirs.get(dir);
    if (node) return node;
    const slash = dir.lastIndexOf('/');
    const parent = dirNode(slash < 0 ? '' : dir.slice(0, slash));
    node = { name: dir.slice(slash + 1), directory_path: `/${dir}`, type: 'directory', children: [] };
    dirs.set(dir, node);
    parent.children!.push(node);
    return node;
  };
  for (const r of iterateEntityListing(store.db, projectId, { pathsOnly: !opts.files }) as IterableIterator<Record<string, unknown>>) {
    const fp = r.file_path as string;
    const slash = fp.lastIndexOf('/');
    const parent = dirNode(slash < 0 ? '' : fp.slice(0, slash));
    if (!opts.files) continue;
    parent.children!.push({ name: fp.slice(slash + 1), file_path: fp, directory_path: `/${fp}`, type: 'file', title: r.title as string,
      permalink: r.permalink as string | null, entity_id: r.id as number, entity_type: r.entity_type as string,
      content_type: r.content_type as string, updated_at: r.updated_at as string, children: [] });
  }
  return root;
}
