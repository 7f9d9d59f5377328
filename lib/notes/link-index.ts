// Resolving `[[wiki link]]` targets to files of the project, the way upstream's link resolver does
// (contract §5.3): exact permalink → exact title → exact file path → `<text>.md`, then the permalink the
// text would have. Built once per page from the project's file tree (one tenant call).
import { generatePermalink, normalizePermalink } from '../../tenant/src/markdown/permalink.ts';
import type { DirectoryNode } from './tenant-notes.ts';

export interface LinkTarget { filePath: string; title: string; permalink: string | null }

export interface LinkIndex {
  resolve(target: string): LinkTarget | null;
  files: LinkTarget[];
}

export function flattenFiles(nodes: DirectoryNode[], out: DirectoryNode[] = []): DirectoryNode[] {
  for (const n of nodes) {
    if (n.type === 'file') out.push(n);
    else if (n.children) flattenFiles(n.children, out);
  }
  return out;
}

export function buildLinkIndex(tree: DirectoryNode[]): LinkIndex {
  const byPermalink = new Map<string, LinkTarget>();
  const byTitle = new Map<string, LinkTarget>();
  const byTitleFolded = new Map<string, LinkTarget>();
  const byPath = new Map<string, LinkTarget>();
  const files: LinkTarget[] = [];
  for (const f of flattenFiles(tree)) {
    const t: LinkTarget = { filePath: f.file_path, title: f.title ?? f.name, permalink: f.permalink ?? null };
    files.push(t);
    if (t.permalink && !byPermalink.has(t.permalink)) byPermalink.set(t.permalink, t);
    if (!byTitle.has(t.title)) byTitle.set(t.title, t);
    const folded = t.title.toLowerCase();
    if (!byTitleFolded.has(folded)) byTitleFolded.set(folded, t);
    byPath.set(t.filePath, t);
  }
  return {
    files,
    resolve(raw: string) {
      const text = raw.split('|')[0]!.trim().replace(/^memory:\/\//, '');
      if (!text) return null;
      return byPermalink.get(text) ?? byTitle.get(text) ?? byPath.get(text) ?? byPath.get(`${text}.md`)
        ?? byPermalink.get(normalizePermalink(text)) ?? byPermalink.get(generatePermalink(text))
        ?? byTitleFolded.get(text.toLowerCase()) ?? null;
    },
  };
}
