// Everything one notes-browser page shows, loaded from the caller's tenant with the same routes the
// CLI uses (directory list, resource, search), parsed and rendered on the server. The page and its
// BFF JSON route (/api/projects/[name]/notes/...) both call these loaders, so they always agree.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseNote } from '../../tenant/src/markdown/parse-note.ts';
import { splitFrontmatter } from '../../tenant/src/markdown/frontmatter.ts';
import { buildLinkIndex, type LinkIndex, type LinkTarget } from './link-index.ts';
import { notesHref } from './note-paths.ts';
import { linkSnippets } from './link-snippets.ts';
import { renderMarkdown } from './render-markdown.ts';
import { loadRecentActivity, withMcpClients, withTreeTimes, type RecentItem } from './project-recent.ts';
import { listTree, readFile, searchProject, statFile, TenantNotesError, type DirectoryNode, type FileBytes } from './tenant-notes.ts';
import { jsonOf, tenantCall } from '../tenants/tenant-call.ts';
import { getConfig } from '../config/index.ts';
import { contentLink, signContentToken } from '../http/user-content-link.ts';
import { formatCount } from '@/lib/format/plurals.ts';

/** Notes larger than this are shown partially (and cannot be edited in the browser). */
export const MAX_NOTE_BYTES = 4 * 1024 * 1024;
const MAX_RENDER_CHARS = 1024 * 1024;
const MAX_BACKLINK_CANDIDATES = 20;

export type IndexState =
  | { state: 'ready' }
  | { state: 'not_indexed'; message: string }
  | { state: 'unavailable'; message: string };

export interface ProjectTree { project: string; tree: DirectoryNode[]; index: IndexState; empty: boolean }

export interface ObservationGroup { category: string; items: { content: string; tags: string[]; context: string | null }[] }
export interface RelationView { type: string; target: string; context: string | null; resolved: { filePath: string; title: string; href: string } | null }
export interface Backlink { filePath: string; title: string; href: string; snippets: { before: string; link: string; after: string }[] }

interface NoteView {
  kind: 'note';
  project: string;
  filePath: string;
  title: string;
  entityType: string;
  permalink: string | null;
  memoryUrl: string;
  tags: string[];
  frontmatter: Record<string, unknown>;
  hasFrontmatter: boolean;
  warnings: string[];
  html: string;
  observations: ObservationGroup[];
  relations: RelationView[];
  backlinks: Backlink[];
  /** The file as read (markdown with frontmatter), for the source editor. */
  source: string;
  /** sha256 of the bytes as read: the version a save must still find on disk. */
  checksum: string;
  size: number;
  truncated: boolean;
  updatedAt: string | null;
}

interface BinaryView { kind: 'binary'; project: string; filePath: string; title: string; contentType: string; size: number; downloadHref: string; updatedAt: string | null;
  /** An image an `<img>` can show (SVG included: an image never runs its script). */
  imagePreview: boolean;
  /** A signed link to view the file inline on the separate content origin (USER_CONTENT_ORIGIN), when one is set. */
  viewHref: string | null }

const PREVIEW_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']);
/** Documents that are downloads on the app's origin but can be read, script-less, on the content origin. */
const VIEW_TYPES = new Set(['text/html', 'application/xhtml+xml', 'image/svg+xml', 'application/xml', 'text/xml']);

function viewHref(tenantId: string, project: string, rel: string, contentType: string): string | null {
  const { userContent, app } = getConfig();
  if (!userContent.origin || !VIEW_TYPES.has(contentType.split(';')[0]!.trim().toLowerCase())) return null;
  const token = signContentToken(app.authSecret, { tenantId, project, path: rel }, userContent.linkTtlSeconds);
  return contentLink(userContent.origin, token, rel.split('/').pop()!);
}
interface FolderView { kind: 'folder'; project: string; dirPath: string; entries: DirectoryNode[] }
export type PathView = NoteView | BinaryView | FolderView;

export const isMarkdownPath = (p: string) => /\.md$/i.test(p);

/** What an empty project's list means: indexed (a sync finished) or not indexed yet (none has, or unknown). */
export function emptyProjectIndexState(runs: { status?: string }[] | null): IndexState {
  if (runs?.some((x) => x.status === 'ok')) return { state: 'ready' };
  if (runs?.some((x) => x.status === 'failed')) return { state: 'not_indexed', message: 'This project has not been indexed yet: its last sync failed (see the sync history).' };
  return { state: 'not_indexed', message: 'This project has not been indexed yet: its first sync has not finished.' };
}

/** The project's tree plus what its emptiness means: rebuilding, never indexed, or indexed with no notes. */
async function loadProjectTree(tenantId: string, project: string): Promise<ProjectTree> {
  try {
    const tree = await listTree(tenantId, project);
    if (tree.length > 0) return { project, tree, index: { state: 'ready' }, empty: false };
    // Empty: a project that has never finished a sync is "not indexed yet", not "no notes".
    const r = await tenantCall(tenantId, 'GET', `/${encodeURIComponent(project)}/project/sync-runs?limit=5`);
    let runs: { status?: string }[] | null = null;
    const body = r.status === 200 ? jsonOf(r) as { runs?: { status?: string }[] } | undefined : undefined;
    if (body) runs = body.runs ?? []; // no answer: unknown, not "not synced"
    return { project, tree, index: emptyProjectIndexState(runs), empty: true };
  } catch (e) {
    if (e instanceof TenantNotesError && e.notIndexedYet) return { project, tree: [], index: { state: 'not_indexed', message: e.message }, empty: true };
    throw e;
  }
}

function findNode(nodes: DirectoryNode[], rel: string): DirectoryNode | null {
  const parts = rel.split('/');
  let level = nodes;
  let found: DirectoryNode | null = null;
  for (let i = 0; i < parts.length; i++) {
    const want = parts.slice(0, i + 1).join('/');
    found = level.find((n) => n.file_path === want) ?? null;
    if (!found) return null;
    level = found.children ?? [];
  }
  return found;
}

/**
 * The project's notes index page: its tree and its recent activity (the tenant's memory/recent), asked for
 * in parallel. Recent activity that fails is reported beside the tree, not instead of it.
 */
export async function loadProjectNotes(tenantId: string, project: string): Promise<{ pt: ProjectTree; recent: RecentItem[]; recentFailure: string | null }> {
  const recent = settle(loadRecentActivity(tenantId, project));
  const pt = await loadProjectTree(tenantId, project);
  const r = await recent;
  if (pt.empty || pt.index.state !== 'ready') return { pt, recent: [], recentFailure: null };
  if (!r.ok) return { pt, recent: [], recentFailure: r.error instanceof TenantNotesError ? r.error.message : 'the tenant did not answer.' };
  // The tree's updated_at (the index's modification time) is the time to show.
  const items = withTreeTimes(r.value, pt.tree);
  return { pt, recent: await withRecordedClients(tenantId, project, items), recentFailure: null };
}

/** Which MCP client made each recent change (from the control plane's records; without them, the list as it is). */
async function withRecordedClients(tenantId: string, project: string, items: RecentItem[]): Promise<RecentItem[]> {
  if (!items.length) return items;
  try {
    const [{ getDb }, { mcpNoteChangesFor }] = await Promise.all([import('../db/index.ts'), import('../db/queries/mcp-calls.ts')]);
    return withMcpClients(items, await mcpNoteChangesFor(await getDb(), tenantId, project, items.map((i) => i.filePath)));
  } catch {
    return items;
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error }));
const unwrap = <T>(s: Settled<T>): T => { if (s.ok) return s.value; throw s.error; };

/**
 * The note page's data: the project's tree and what lives at `rel`. For a markdown path the file and its
 * incoming relations are asked for at the same time as the tree (three tenant calls in parallel, then the
 * linking notes), which is most of the page's server time.
 */
export async function loadNotePage(tenantId: string, project: string, rel: string): Promise<{ pt: ProjectTree; view: PathView | null }> {
  // A markdown path, or a permalink (no extension: the tenant resolves it the same way for both calls).
  const md = isMarkdownPath(rel) || !/\.[^/]+$/.test(rel);
  const file = md ? settle(readFile(tenantId, project, rel, MAX_NOTE_BYTES)) : null;
  const incoming = md ? settle(incomingFromContext(tenantId, project, rel)) : null;
  const pt = await loadProjectTree(tenantId, project);
  if (pt.index.state === 'not_indexed') return { pt, view: null };
  return { pt, view: await loadPathView(tenantId, project, rel, pt, file && incoming ? { file, incoming } : undefined) };
}

/** What lives at `rel` in the project: a note, another file, a folder — or null (404). */
async function loadPathView(tenantId: string, project: string, rel: string, pt?: ProjectTree,
  pre?: { file: Promise<Settled<FileBytes | null>>; incoming: Promise<Settled<Map<string, string> | null>> }): Promise<PathView | null> {
  const { tree } = pt ?? await loadProjectTree(tenantId, project);
  const links = buildLinkIndex(tree);
  let node = findNode(tree, rel);
  if (node?.type === 'directory') return { kind: 'folder', project, dirPath: rel, entries: node.children ?? [] };
  if (!node && !isMarkdownPath(rel)) {
    // A permalink (or title) instead of a path, as in memory:// URLs and links from agents: that note.
    const hit = links.resolve(rel);
    if (!hit) return null;
    // What was fetched ahead under this identifier is this note only when it is its exact permalink.
    if (hit.permalink !== rel) pre = undefined;
    rel = hit.filePath;
    node = findNode(tree, rel);
  }
  if (!isMarkdownPath(rel)) {
    const st = await statFile(tenantId, project, rel);
    if (!st) return null;
    return { kind: 'binary', project, filePath: rel, title: node?.title ?? rel.split('/').pop()!, contentType: st.contentType, size: st.size,
      downloadHref: `/proxy/${encodeURIComponent(project)}/resource/${rel.split('/').map(encodeURIComponent).join('/')}`, updatedAt: node?.updated_at ?? null,
      imagePreview: PREVIEW_IMAGE_TYPES.has(st.contentType.split(';')[0]!.trim().toLowerCase()), viewHref: viewHref(tenantId, project, rel, st.contentType) };
  }
  // A markdown file not in the index (yet) that exists on disk is still shown.
  const file = pre ? unwrap(await pre.file) : await readFile(tenantId, project, rel, MAX_NOTE_BYTES);
  if (!file) return null;
  const incoming = pre ? await pre.incoming.then((s) => (s.ok ? s.value : null)) : undefined;
  return buildNoteView(tenantId, project, rel, file.bytes, file.size, file.truncated, node, links, incoming);
}

async function buildNoteView(tenantId: string, project: string, rel: string, bytes: Buffer, size: number, truncated: boolean,
  node: DirectoryNode | null, links: LinkIndex, incoming?: Map<string, string> | null): Promise<NoteView> {
  const parsed = parseNote(rel, bytes);
  const text = bytes.toString('utf8');
  const fm = splitFrontmatter(text);
  const warnings = [...parsed.warnings];
  if (truncated) warnings.push(`This note is ${formatCount(size)} bytes; only the first ${formatCount(MAX_NOTE_BYTES)} are shown, and it cannot be edited here.`);
  let body = fm.body;
  if (body.length > MAX_RENDER_CHARS) {
    body = body.slice(0, MAX_RENDER_CHARS);
    warnings.push('Only the first 1 MB of this note is rendered.');
  }
  const binary = parsed.warnings.some((w) => w.startsWith('binary content'));
  const href = (t: LinkTarget) => notesHref(project, t.filePath);
  const html = binary ? '' : renderMarkdown(body, { resolve: (x) => links.resolve(x), href });

  const groups = new Map<string, ObservationGroup>();
  for (const o of parsed.observations) {
    const cat = o.category ?? 'note';
    let g = groups.get(cat);
    if (!g) groups.set(cat, g = { category: cat, items: [] });
    g.items.push({ content: o.content, tags: o.tags, context: o.context });
  }
  const relations: RelationView[] = parsed.relations.map((r) => {
    const hit = links.resolve(r.target);
    return { type: r.relation_type, target: r.target, context: r.context,
      resolved: hit && hit.filePath !== rel ? { filePath: hit.filePath, title: hit.title, href: href(hit) } : null };
  });
  const self: LinkTarget = { filePath: rel, title: parsed.title, permalink: node?.permalink ?? parsed.permalink };
  const backlinks = binary ? [] : await findBacklinks(tenantId, project, self, links, incoming);
  return {
    kind: 'note', project, filePath: rel, title: parsed.title, entityType: parsed.entityType,
    permalink: self.permalink, memoryUrl: `memory://${self.permalink ?? rel}`,
    tags: parsed.tags, frontmatter: fm.data, hasFrontmatter: fm.hasFrontmatter, warnings, html,
    observations: [...groups.values()], relations, backlinks,
    source: binary ? '' : text, checksum: sha256(bytes), size, truncated: truncated || binary, updatedAt: node?.updated_at ?? null,
  };
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Notes that link to `self`, each with the text around the link. Candidates are the sources of the note's
 * incoming relations from the tenant's build context (GET /{project}/memory/{permalink}, depth 1); a tenant
 * without that route falls back to full-text search on the title. Each candidate's file is then read and its
 * links resolved with the page's own rule, so only real links count and each comes with its text.
 */
async function findBacklinks(tenantId: string, project: string, self: LinkTarget, links: LinkIndex, incoming?: Map<string, string> | null): Promise<Backlink[]> {
  const candidates = (incoming !== undefined ? incoming : await incomingFromContext(tenantId, project, self.filePath))
    ?? await candidatesFromSearch(tenantId, project, self);
  const found = await Promise.all([...candidates].slice(0, MAX_BACKLINK_CANDIDATES).map(async ([filePath, title]) => {
    const f = await readFile(tenantId, project, filePath, 1024 * 1024).catch(() => null);
    if (!f) return null;
    const snippets = linkSnippets(f.bytes.toString('utf8'), (t) => links.resolve(t)?.filePath === self.filePath);
    return snippets.length ? { filePath, title, href: notesHref(project, filePath), snippets } : null;
  }));
  return found.filter((b): b is Backlink => b !== null).sort((a, b) => a.title.localeCompare(b.title));
}

const ContextSchema = z.looseObject({
  results: z.array(z.looseObject({
    primary_result: z.looseObject({ file_path: z.string() }),
    related_results: z.array(z.looseObject({ type: z.string(), file_path: z.string(), from_entity: z.string().nullish() })).default([]),
  })),
});

/** Sources of the note's incoming relations (build context, depth 1); null when the tenant cannot say. */
async function incomingFromContext(tenantId: string, project: string, identifier: string): Promise<Map<string, string> | null> {
  const id = identifier.split('/').map(encodeURIComponent).join('/');
  const r = await tenantCall(tenantId, 'GET', `/${encodeURIComponent(project)}/memory/${id}?depth=1&max_related=100&page_size=1`).catch(() => null);
  if (!r || r.status !== 200) return null;
  let ctx;
  try { ctx = ContextSchema.parse(jsonOf(r)); } catch { return null; }
  if (ctx.results.length === 0) return null; // not in the index: let search find candidates
  const out = new Map<string, string>();
  for (const res of ctx.results) {
    const self = res.primary_result.file_path;
    for (const x of res.related_results) {
      if (x.type === 'relation' && x.file_path !== self && isMarkdownPath(x.file_path) && !out.has(x.file_path)) out.set(x.file_path, x.from_entity ?? x.file_path);
    }
  }
  return out;
}

async function candidatesFromSearch(tenantId: string, project: string, self: LinkTarget): Promise<Map<string, string>> {
  // The title's words, and the permalink's last segment's words when they differ (a link by permalink).
  const words = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).join(' ');
  const queries = new Map<string, string>();
  for (const q of [self.title, self.permalink?.split('/').pop()?.replace(/-/g, ' ') ?? '']) if (words(q) && !queries.has(words(q))) queries.set(words(q), q);
  const candidates = new Map<string, string>();
  for (const q of queries.values()) {
    let page;
    try { page = await searchProject(tenantId, project, { text: q, pageSize: MAX_BACKLINK_CANDIDATES }); } catch { continue; }
    for (const r of page.results) if (r.file_path !== self.filePath && isMarkdownPath(r.file_path)) candidates.set(r.file_path, r.title ?? r.file_path);
  }
  return candidates;
}
