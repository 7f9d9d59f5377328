// The tenant routes the notes browser uses (the same upstream v1 routes the CLI uses, contract §3.3),
// called with the signed-call helper, answers checked with zod. Paths are project-relative file paths;
// every segment is percent-encoded here and confined again by the tenant.
import { z } from 'zod';
import { detailText, jsonOf, tenantCall, type TenantCallResult } from '../tenants/tenant-call.ts';

/** A tenant answer that is not what the page can show: carries the status and the tenant's words. */
export class TenantNotesError extends Error {
  readonly status: number;
  /** The tenant (or the proxy in front of it) says the index is not ready yet. */
  readonly notIndexedYet: boolean;
  constructor(r: TenantCallResult) {
    const text = detailText(r);
    super(text);
    this.name = 'TenantNotesError';
    this.status = r.status;
    this.notIndexedYet = r.status === 503;
  }
}

const encodePath = (rel: string) => rel.split('/').map(encodeURIComponent).join('/');
const projectSeg = (project: string) => encodeURIComponent(project);

function json<T>(r: TenantCallResult, schema: z.ZodType<T>): T {
  if (r.status < 200 || r.status >= 300) throw new TenantNotesError(r);
  const v = jsonOf(r);
  if (v === undefined) throw new TenantNotesError({ ...r, status: 502 });
  const parsed = schema.safeParse(v);
  if (!parsed.success) throw new TenantNotesError({ ...r, status: 502, body: Buffer.from(JSON.stringify({ detail: 'The tenant answered in an unexpected shape.' })) });
  return parsed.data;
}

// ------------------------------------------------------------------------------------ shapes

export interface DirectoryNode {
  name: string;
  file_path: string;
  directory_path: string;
  type: 'directory' | 'file';
  title?: string | null;
  permalink?: string | null;
  entity_type?: string | null;
  content_type?: string | null;
  updated_at?: string | null;
  children?: DirectoryNode[];
}
const ProjectListSchema = z.looseObject({
  projects: z.array(z.looseObject({ name: z.string(), path: z.string(), is_default: z.boolean().optional() })),
  default_project: z.string().nullish(),
});
export type ProjectList = z.infer<typeof ProjectListSchema>;

const SearchResultSchema = z.looseObject({
  title: z.string().nullish(),
  type: z.string(),
  permalink: z.string().nullish(),
  file_path: z.string(),
  score: z.number().nullish(),
  content: z.string().nullish(),
  matched_snippet: z.string().nullish(),
  entity_type: z.string().nullish(),
  content_type: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  category: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;
const SearchPageSchema = z.looseObject({
  results: z.array(SearchResultSchema),
  current_page: z.number(),
  page_size: z.number(),
  has_more: z.boolean().optional(),
});
export type SearchPage = z.infer<typeof SearchPageSchema>;

// ------------------------------------------------------------------------------------ calls

export async function listProjects(tenantId: string): Promise<ProjectList> {
  return json(await tenantCall(tenantId, 'GET', '/projects/projects'), ProjectListSchema);
}

/** Every file of the project (from the index), as a tree: upstream's GET /directory/tree (a "Root" node). */
export async function listTree(tenantId: string, project: string): Promise<DirectoryNode[]> {
  const root = json(await tenantCall(tenantId, 'GET', `/${projectSeg(project)}/directory/tree`), RawTreeNodeSchema);
  return normalizeTree(root.children ?? []);
}

interface RawTreeNode { name: string; type: 'directory' | 'file'; directory_path: string; file_path?: string | null; title?: string | null; permalink?: string | null;
  entity_type?: string | null; content_type?: string | null; updated_at?: string | null; children?: RawTreeNode[] }
const RawTreeNodeSchema: z.ZodType<RawTreeNode> = z.lazy(() => z.looseObject({
  name: z.string(),
  type: z.enum(['directory', 'file']),
  directory_path: z.string(),
  file_path: z.string().nullish(),
  title: z.string().nullish(),
  permalink: z.string().nullish(),
  entity_type: z.string().nullish(),
  content_type: z.string().nullish(),
  updated_at: z.string().nullish(),
  children: z.array(RawTreeNodeSchema).optional(),
})) as z.ZodType<RawTreeNode>;

/** Upstream folders carry only `directory_path` ("/a/b"): every node gets its project-relative `file_path`. */
function normalizeTree(nodes: RawTreeNode[]): DirectoryNode[] {
  return nodes.map((n) => {
    const file_path = n.file_path ?? n.directory_path.replace(/^\/+/, '');
    const out: DirectoryNode = { name: n.name, type: n.type, file_path, directory_path: n.directory_path, title: n.title, permalink: n.permalink,
      entity_type: n.entity_type, content_type: n.content_type, updated_at: n.updated_at };
    if (n.type === 'directory') out.children = normalizeTree(n.children ?? []);
    return out;
  });
}

export interface FileBytes { bytes: Buffer; contentType: string; size: number; truncated: boolean }

/** A file's bytes (up to `maxBytes`); null when there is no such file. */
export async function readFile(tenantId: string, project: string, rel: string, maxBytes = 8 * 1024 * 1024): Promise<FileBytes | null> {
  const r = await tenantCall(tenantId, 'GET', `/${projectSeg(project)}/resource/${encodePath(rel)}`, { maxBytes });
  if (r.status === 404) return null;
  if (r.status !== 200) throw new TenantNotesError(r);
  const size = Number(r.headers['content-length'] ?? r.body.length);
  return { bytes: r.body, contentType: String(r.headers['content-type'] ?? 'application/octet-stream'), size, truncated: r.body.length < size };
}

/** Size and type of a file without reading it (HEAD). */
export async function statFile(tenantId: string, project: string, rel: string): Promise<{ contentType: string; size: number } | null> {
  const r = await tenantCall(tenantId, 'HEAD', `/${projectSeg(project)}/resource/${encodePath(rel)}`);
  if (r.status === 404) return null;
  if (r.status !== 200) throw new TenantNotesError(r);
  return { contentType: String(r.headers['content-type'] ?? 'application/octet-stream'), size: Number(r.headers['content-length'] ?? 0) };
}

/** The tenant refused a conditional write: the file on disk is no longer the version the writer read. */
export class TenantVersionConflict extends Error {
  constructor(message: string) { super(message); this.name = 'TenantVersionConflict'; }
}

/**
 * Writes a file's bytes (PUT /resource: atomic on the tenant, indexed at once). With `ifMatch` (the sha256 of
 * the version the writer read) the tenant compares it with the file on disk under its writer lock, so no other
 * write can slip in between the check and the rename; another version (or no file) → TenantVersionConflict.
 */
export async function writeFile(tenantId: string, project: string, rel: string, bytes: Buffer, ifMatch?: string): Promise<{ checksum?: string | null }> {
  const r = await tenantCall(tenantId, 'PUT', `/${projectSeg(project)}/resource/${encodePath(rel)}`, {
    raw: bytes, contentType: 'text/markdown; charset=utf-8', headers: ifMatch ? { 'if-match': `"${ifMatch}"` } : undefined,
  });
  if (r.status === 412) throw new TenantVersionConflict(detailText(r));
  return json(r, z.looseObject({ checksum: z.string().nullish() }));
}

export interface SearchQuery { text: string; page?: number; pageSize?: number; types?: string[]; tags?: string[]; categories?: string[] }

export async function searchProject(tenantId: string, project: string, q: SearchQuery): Promise<SearchPage> {
  const params = new URLSearchParams({ page: String(q.page ?? 1), page_size: String(q.pageSize ?? 10) });
  // POST /search/ with upstream's SearchQuery body; filters a tenant does not know are ignored by it and
  // applied again by the caller.
  const body: Record<string, unknown> = { text: q.text };
  if (q.types?.length) body.types = q.types;
  if (q.tags?.length) body.tags = q.tags;
  if (q.categories?.length) body.categories = q.categories;
  return json(await tenantCall(tenantId, 'POST', `/${projectSeg(project)}/search/?${params}`, { json: body }), SearchPageSchema);
}
