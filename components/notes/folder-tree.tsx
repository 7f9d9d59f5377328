// The project's folder tree (server-rendered). Small projects show every folder open; in larger ones only
// the folders on the way to the current path are expanded, the others are links to their folder page (the
// page stays light with thousands of notes); a folder shows at most MAX_ENTRIES entries here, the rest on its
// folder page. Plain <a> links: hundreds of next/link client components would cost more to render than they save.
import { flattenFiles } from '@/lib/notes/link-index.ts';
import { notesHref } from '@/lib/notes/note-paths.ts';
import type { DirectoryNode } from '@/lib/notes/tenant-notes.ts';

const EXPAND_ALL_BELOW = 80;
const MAX_ENTRIES = 60;
/**
 * On a note page the tree is only a way around: fewer entries per folder (the current one is always kept),
 * the rest one click away on the folder page. Most of a note page's HTML, and of its rendering time, was the
 * tree (every entry is in the HTML and again in the RSC payload).
 */
export const NOTE_PAGE_MAX_ENTRIES = 12;

function Nodes({ project, nodes, current, depth, expandAll, dir, max }: { project: string; nodes: DirectoryNode[]; current: string; depth: number; expandAll: boolean; dir: string; max: number }) {
  const sorted = [...nodes].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1));
  // Keep the current entry visible when the folder is cut short.
  let shown = sorted.slice(0, max);
  const cur = sorted.find((n) => current === n.file_path || current.startsWith(n.file_path + '/'));
  if (cur && !shown.includes(cur)) shown = [...shown.slice(0, max - 1), cur];
  return (
    <ul className={depth ? 'ml-3 border-l border-slate-200 pl-2' : ''}>
      {shown.map((n) => {
        const onPath = current === n.file_path || current.startsWith(n.file_path + '/');
        return (
          <li key={n.file_path} className="py-0.5">
            {n.type === 'directory' ? (expandAll || onPath ? (
              // The summary only toggles (no link inside it: nested controls); the folder page has its own link.
              <div className="flex items-start gap-1">
                <details className="min-w-0 flex-1" open>
                  <summary className="cursor-pointer truncate rounded px-1 py-0.5 text-sm text-slate-700 hover:bg-slate-100">{n.name}</summary>
                  {n.children && <Nodes project={project} nodes={n.children} current={current} depth={depth + 1} expandAll={expandAll} dir={n.file_path} max={max} />}
                </details>
                {/* biome-ignore lint/a11y/useAnchorContent: named by its aria-label (the arrow is decoration) */}
                <a href={notesHref(project, n.file_path)} data-testid="tree-folder" aria-label={`Open folder ${n.name}`} title={`Open folder ${n.name}`}
                  className="rounded px-1 py-0.5 text-sm text-slate-500 hover:bg-slate-100 hover:text-brand-700"><span aria-hidden>↗</span></a>
              </div>
            ) : (
              <a href={notesHref(project, n.file_path)} data-testid="tree-folder" aria-label={`Open folder ${n.name}`}
                className="block truncate rounded px-1 py-0.5 text-sm text-slate-700 hover:bg-slate-100"><span aria-hidden>▸ </span>{n.name}</a>
            )) : (
              <a
                href={notesHref(project, n.file_path)} data-testid="tree-file"
                aria-current={current === n.file_path ? 'page' : undefined}
                className={`block truncate rounded px-1 py-0.5 text-sm ${current === n.file_path ? 'bg-brand-50 font-medium text-brand-700' : 'text-slate-700 hover:bg-slate-100'}`}
                title={n.file_path}
              >
                {/\.md$/i.test(n.name) ? (n.title ?? n.name) : <>{n.name} <span className="rounded bg-slate-100 px-1 text-[10px] font-medium uppercase text-slate-600">file</span></>}
              </a>
            )}
          </li>
        );
      })}
      {sorted.length > shown.length && (
        <li className="py-0.5"><a href={notesHref(project, dir)} data-testid="tree-more" className="block rounded px-1 py-0.5 text-xs text-brand-700 underline">{sorted.length - shown.length} more in {dir || 'this project'}</a></li>
      )}
    </ul>
  );
}

function FolderTree({ project, tree, current = '', maxEntries = MAX_ENTRIES }: { project: string; tree: DirectoryNode[]; current?: string; maxEntries?: number }) {
  const expandAll = flattenFiles(tree).length < EXPAND_ALL_BELOW;
  return (
    <nav aria-label="Folders and notes" data-testid="folder-tree" className="text-sm">
      {tree.length ? <Nodes project={project} nodes={tree} current={current} depth={0} expandAll={expandAll} dir="" max={maxEntries} /> : <p className="text-slate-500">No files.</p>}
    </nav>
  );
}

/**
 * The tree in a side column on wide screens. On phones: shown in place on project and folder pages; on a
 * note page left out (the breadcrumbs lead to the folders), so a long tree never sits above the note.
 */
export function TreePanel({ project, tree, current, onPhones = true, maxEntries }: { project: string; tree: DirectoryNode[]; current?: string; onPhones?: boolean; maxEntries?: number }) {
  return (
    <div className={`${onPhones ? '' : 'hidden lg:block'} rounded-xl border border-slate-200 bg-white p-3 shadow-sm max-lg:max-h-80 max-lg:overflow-auto lg:max-h-[75vh] lg:overflow-auto`}>
      <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Folders and notes</h2>
      <FolderTree project={project} tree={tree} current={current} maxEntries={maxEntries} />
    </div>
  );
}
