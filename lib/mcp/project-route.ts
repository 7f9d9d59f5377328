// Which project a tool call means (upstream's order: project_id → project → the default project), which note an
// identifier names (title, permalink, path or memory:// URL, resolved by the tenant), and the path checks that
// keep a tool inside its project before anything is sent.
import type { ProjectItem, TenantApi } from './tenant-api.ts';
import { ToolProblem } from './tool-problem.ts';

const permalinkOf = (s: string) => s.trim().toLowerCase().replace(/[^a-z0-9/]+/g, '-').replace(/^-+|-+$/g, '');

export async function resolveProject(api: TenantApi, args: { project?: string | null; project_id?: string | null; workspace?: string | null }): Promise<ProjectItem> {
  const { projects, default_project } = await api.projects();
  if (args.project_id) {
    const p = projects.find((x) => x.external_id === args.project_id || String(x.id) === args.project_id);
    if (!p) throw new ToolProblem(`Project not found: project_id '${args.project_id}'. Use list_memory_projects() to see your projects.`);
    return p;
  }
  let wanted = args.project?.trim().replace(/^\/+|\/+$/g, '') ?? '';
  // "workspace/project" (upstream's qualified form): one personal workspace per account, so the workspace part
  // only has to be a single segment.
  if (wanted.includes('/')) {
    const parts = wanted.split('/');
    if (parts.length !== 2) throw new ToolProblem(`Project '${args.project}' is not a project name or 'workspace/project'.`);
    wanted = parts[1]!;
  }
  if (args.workspace != null && !wanted) throw new ToolProblem('workspace requires an explicit project argument');
  if (!wanted) {
    const p = projects.find((x) => x.name === default_project) ?? projects.find((x) => x.is_default) ?? projects[0];
    if (!p) throw new ToolProblem('No project exists yet. Create one with create_memory_project().');
    return p;
  }
  const p = projects.find((x) => x.name === wanted) ?? projects.find((x) => x.name.toLowerCase() === wanted.toLowerCase())
    ?? projects.find((x) => permalinkOf(x.name) === permalinkOf(wanted));
  if (!p) throw new ToolProblem(`Project not found: '${wanted}'. Available projects: ${projects.map((x) => x.name).join(', ') || '(none)'}.`);
  return p;
}

export const v2 = (p: ProjectItem) => `/v2/projects/${encodeURIComponent(p.external_id)}`;

/** `memory://x/y` → `x/y`; a leading slash dropped. */
export function stripMemoryUrl(identifier: string): string {
  let s = identifier.trim();
  if (s.startsWith('memory://')) s = s.slice('memory://'.length);
  return s.replace(/^\/+/, '');
}

/** Refuses a path that would leave the project (`..`, absolute outside, NUL, backslash tricks) before any call. */
export function assertProjectPath(p: string, what = 'path'): string {
  if (p.includes('\0')) throw new ToolProblem(`The ${what} contains a NUL character.`);
  const segs = p.replace(/\\/g, '/').split('/');
  if (segs.some((s) => s === '..' || s === '.')) {
    throw new ToolProblem(`The ${what} '${p}' is not allowed: paths must stay within the project (no '.' or '..' segments).`);
  }
  if (/^[a-zA-Z]:/.test(p) || p.startsWith('~')) throw new ToolProblem(`The ${what} '${p}' is not allowed: paths are relative to the project.`);
  return p;
}

export interface ResolvedNote {
  external_id: string;
  entity_id: number;
  permalink: string | null;
  file_path: string;
  title: string;
  resolution_method: string;
  /** The file's text, when asked for (`includeContent`); null when the tenant could not read it; absent from older tenants. */
  content?: string | null;
}

/** The note an identifier names, or null when none; `includeContent` brings its text in the same round trip. */
export async function resolveNote(api: TenantApi, p: ProjectItem, identifier: string, strict = false, includeContent = false): Promise<ResolvedNote | null> {
  const id = stripMemoryUrl(identifier);
  if (!id) throw new ToolProblem('The identifier is empty.');
  assertProjectPath(id, 'identifier');
  const r = await api.raw('POST', `${v2(p)}/knowledge/resolve`, { identifier: id, strict, ...(includeContent ? { include_content: true } : {}) });
  if (r.status === 404) return null;
  if (r.status >= 300) throw new ToolProblem(`Could not resolve '${identifier}': ${typeof r.body === 'object' && r.body && 'detail' in r.body ? String((r.body as { detail: unknown }).detail) : r.status}`);
  return r.body as ResolvedNote;
}

interface TitleHit { title: string; permalink: string | null; file_path: string; type: string }

/**
 * For a change (edit, move, delete): an identifier that is not a permalink or path but a title shared by several
 * notes is refused with the candidates, instead of changing whichever one the resolver picked.
 */
export async function resolveNoteForChange(api: TenantApi, p: ProjectItem, identifier: string): Promise<ResolvedNote> {
  const note = await resolveNote(api, p, identifier);
  if (!note) throw new ToolProblem(`Note not found: '${identifier}' in project '${p.name}'. Use search_notes() to find it.`);
  if (note.resolution_method === 'title' || note.resolution_method === 'search') {
    const title = stripMemoryUrl(identifier);
    const r = await api.raw('POST', `${v2(p)}/search/?page=1&page_size=50`, { text: title, entity_types: ['entity'] });
    const hits = ((r.body as { results?: TitleHit[] } | undefined)?.results ?? []).filter((h) => h.type === 'entity' && h.title.toLowerCase() === title.toLowerCase());
    if (hits.length > 1) {
      throw new ToolProblem(`The identifier '${identifier}' matches ${hits.length} notes: ${hits.map((h) => h.permalink ?? h.file_path).join(', ')}. Use one of these permalinks.`);
    }
    if (note.resolution_method === 'search') {
      throw new ToolProblem(`Note not found: '${identifier}' in project '${p.name}' (only a fuzzy match, '${note.permalink ?? note.file_path}'). Pass its permalink to change it.`);
    }
  }
  return note;
}
