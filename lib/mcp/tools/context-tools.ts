// search_notes, build_context, recent_activity and list_directory: the read side of the knowledge graph.
import { z } from 'zod';
import { defineTool, MAX_PAGE_SIZE, outputFormat, pageArg, pageSizeArg, projectArgs, str, type ToolContext } from '../tool-def.ts';
import { assertProjectPath, resolveProject, stripMemoryUrl, v2 } from '../project-route.ts';
import type { ProjectItem } from '../tenant-api.ts';
import { ToolProblem } from '../tool-problem.ts';

interface SearchHit {
  title: string; type: string; permalink: string | null; file_path: string; score: number; content: string; matched_snippet?: string;
  entity_type?: string; category?: string | null; relation_type?: string | null; updated_at?: string; metadata?: Record<string, unknown>;
}
interface SearchPage { results: SearchHit[]; current_page: number; page_size: number; total: number; has_more: boolean }

const listArg = z.union([z.array(str(100)).max(50), str(1000)]).nullish();
const toList = (v: string[] | string | null | undefined) => (v == null ? undefined : (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

export async function searchProject(ctx: ToolContext, p: ProjectItem, body: Record<string, unknown>, page: number, pageSize: number): Promise<SearchPage> {
  return ctx.api.json<SearchPage>('POST', `${v2(p)}/search/?page=${page}&page_size=${pageSize}`, body);
}

/**
 * Upstream's account-wide search: each project's best `page × page_size` results, merged by score, then the page
 * asked for is cut from the merged list (a page of the whole account, not one page of every project); the total is
 * every project's total.
 */
async function searchAllProjects(ctx: ToolContext, projects: ProjectItem[], body: Record<string, unknown>, page: number, pageSize: number): Promise<SearchPage> {
  const want = page * pageSize;
  const size = Math.min(want, MAX_PAGE_SIZE);
  const merged: SearchHit[] = [];
  let total = 0;
  let anyMore = false;
  for (const p of projects) {
    let got = 0;
    for (let n = 1; ; n++) {
      const r = await searchProject(ctx, p, body, n, size);
      if (n === 1) total += r.total ?? 0;
      merged.push(...r.results.map((h) => ({ ...h, project: p.name })));
      got += r.results.length;
      if (!r.has_more) break;
      if (got >= want) { anyMore = true; break; }
    }
  }
  merged.sort((x, y) => y.score - x.score);
  const start = (page - 1) * pageSize;
  return {
    results: merged.slice(start, start + pageSize), current_page: page, page_size: pageSize, total,
    has_more: anyMore || merged.length > start + pageSize,
  };
}

function formatSearch(query: string | null | undefined, r: SearchPage, projects: string): string {
  if (!r.results.length) {
    return [`# Search Results`, '', `No results found for ${query ? `"${query}"` : 'these filters'} in ${projects}.`, '',
      '## Suggestions', '- Try fewer or different words', '- Use `recent_activity()` to see what changed lately', '- Check the project with `list_memory_projects()`'].join('\n');
  }
  const lines = [`# Search Results: ${query ? `"${query}"` : '(filters)'}`, '', `Page ${r.current_page}, ${r.results.length} result(s)${r.has_more ? ' (more available: next page)' : ''} in ${projects}`, ''];
  for (const h of r.results) {
    lines.push(`## ${h.title}`, `- type: ${h.type}${h.category ? ` [${h.category}]` : ''}${h.relation_type ? ` (${h.relation_type})` : ''}`,
      `- permalink: ${h.permalink ?? '—'}`, `- file_path: ${h.file_path}`, `- score: ${Number(h.score).toFixed(2)}`);
    if (h.content) lines.push('', h.content.length > 300 ? `${h.content.slice(0, 300)}…` : h.content);
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

export const searchNotes = defineTool({
  name: 'search_notes',
  title: 'Search Notes',
  description: 'Search across all content in the knowledge base with advanced syntax support.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({
    query: str(1000).nullish().describe('What to search for (words; a filter alone is a query too)'),
    ...projectArgs,
    search_all_projects: z.boolean().default(false).describe('Search every project'),
    page: pageArg,
    page_size: pageSizeArg(),
    search_type: str(20).nullish().describe('"text" (default), "title" or "permalink"'),
    output_format: outputFormat(),
    note_types: listArg.describe('Only notes of these frontmatter types'),
    entity_types: listArg.describe('entity, observation and/or relation (default: notes)'),
    categories: listArg.describe('Only observations of these categories'),
    after_date: str(100).nullish().describe('Only items updated after this ISO date'),
    metadata_filters: z.record(z.string(), z.unknown()).nullish().describe('Frontmatter field filters (exact values)'),
    tags: z.union([z.array(str(100)).max(50), str(1000)]).nullish().describe('Only notes carrying these tags'),
    status: str(100).nullish().describe('Only notes with this frontmatter status'),
    min_similarity: z.number().min(0).max(1).nullish().describe('Semantic search threshold (not used: this server searches full text)'),
  }),
  aliases: {
    query: ['q', 'search', 'text'], search_all_projects: ['all_projects'], page: ['page_number'], page_size: ['limit', 'per_page'],
    note_types: ['note_type', 'types'], entity_types: ['entity_type'], categories: ['category'], after_date: ['since', 'after', 'from_date'],
    min_similarity: ['threshold', 'similarity_threshold'],
  },
  async run(ctx, a) {
    const entityTypes = toList(a.entity_types);
    if (entityTypes?.some((t) => !['entity', 'observation', 'relation'].includes(t))) throw new ToolProblem(`entity_types must be entity, observation or relation; got ${entityTypes.join(', ')}.`);
    // Every filter goes into the tenant's query, before its paging: pages are full and has_more is honest.
    const categories = toList(a.categories);
    const tags = toList(a.tags)?.map((t) => t.replace(/^#/, ''));
    const metadata: Record<string, unknown> = { ...(a.metadata_filters ?? {}) };
    // upstream: tags are a frontmatter filter, every one of them present
    if (tags?.length) metadata.tags = [...(Array.isArray(metadata.tags) ? metadata.tags : metadata.tags != null ? [metadata.tags] : []), ...tags];
    const query = a.query ?? '';
    const body = {
      text: query, note_types: toList(a.note_types), entity_types: categories?.length ? ['observation'] : entityTypes, after_date: a.after_date ?? undefined,
      categories, status: a.status ?? undefined, metadata_filters: Object.keys(metadata).length ? metadata : undefined,
      title_contains: a.search_type === 'title' && query ? query : undefined, permalink_contains: a.search_type === 'permalink' && query ? query : undefined,
    };
    if (!a.search_all_projects) {
      const project = await resolveProject(ctx.api, a);
      const r = await searchProject(ctx, project, body, a.page, a.page_size);
      if (a.output_format === 'json') return { ...r, query: a.query ?? null };
      return formatSearch(a.query, r, `project '${project.name}'`);
    }
    const merged = await searchAllProjects(ctx, (await ctx.api.projects()).projects, body, a.page, a.page_size);
    if (a.output_format === 'json') return { ...merged, query: a.query ?? null };
    return formatSearch(a.query, merged, 'all projects');
  },
});

interface ContextItem { type: string; title: string; permalink: string | null; file_path: string; created_at?: string; updated_at?: string; content?: string | null; category?: string; relation_type?: string }
interface ContextResult { primary_result: ContextItem; observations: ContextItem[]; related_results: ContextItem[] }
interface GraphContext { results: ContextResult[]; metadata?: Record<string, unknown>; page?: number; page_size?: number; has_more?: boolean }

function formatContext(title: string, g: GraphContext, p: ProjectItem): string {
  const lines = [`# ${title}`, '', `project: ${p.name}`];
  if (!g.results.length) lines.push('', 'No results found.');
  for (const r of g.results) {
    const x = r.primary_result;
    lines.push('', `## ${x.title}`, `- type: ${x.type}`, `- permalink: ${x.permalink ?? '—'}`, `- file_path: ${x.file_path}`);
    if (x.updated_at ?? x.created_at) lines.push(`- updated: ${x.updated_at ?? x.created_at}`);
    if (x.content) lines.push('', x.content.length > 500 ? `${x.content.slice(0, 500)}…` : x.content);
    if (r.observations?.length) lines.push('', '### Observations', ...r.observations.map((o) => `- [${o.category ?? 'note'}] ${o.content ?? ''}`));
    if (r.related_results?.length) lines.push('', '### Related', ...r.related_results.map((o) => `- ${o.relation_type ? `${o.relation_type} → ` : ''}${o.title} (${o.permalink ?? o.file_path})`));
  }
  if (g.has_more) lines.push('', 'More results are available: ask for the next page.');
  return lines.join('\n');
}

const timeframeArg = str(100).default('7d').describe('How far back, e.g. "7d", "2 weeks", "yesterday", "today"');

export const buildContext = defineTool({
  name: 'build_context',
  title: 'Build Context',
  description: 'Build context from a memory:// URI to continue conversations naturally.\n\nUse this to follow up on previous discussions or explore related topics.\n\nMemory URL Format:\n- Use paths like "folder/note" or "memory://folder/note"\n- Pattern matching: "folder/*" matches all notes in folder\n- Valid characters: letters, numbers, hyphens, underscores, forward slashes\n- Avoid: double slashes (//), angle brackets (<>), quotes, pipes (|)\n- Examples: "specs/search", "projects/basic-memory", "notes/*"\n\nTimeframes support natural language like "2 days ago", "last week", "today", "3 months ago", or standard formats like "7d", "24h".',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({
    url: str().min(1).describe('memory:// URL or path, e.g. "memory://specs/search" or "notes/*"'),
    ...projectArgs,
    depth: z.union([z.number().int().min(0).max(5), str(2)]).nullish().default(1).describe('How many relation hops to follow'),
    timeframe: timeframeArg,
    page: pageArg,
    page_size: pageSizeArg(),
    max_related: z.number().int().min(0).max(100).default(10),
    output_format: outputFormat('json'),
  }),
  aliases: { url: ['uri', 'memory_url'], timeframe: ['since', 'time_range', 'lookback'], page: ['page_number'], page_size: ['limit', 'per_page'], max_related: ['max_results'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const path = stripMemoryUrl(a.url);
    if (!path || /\/\/|[<>"|]/.test(path)) throw new ToolProblem(`Invalid memory URL '${a.url}': use paths like "folder/note" or "memory://folder/*".`);
    assertProjectPath(path.replace(/\*/g, 'x'), 'memory URL');
    const depth = Number(a.depth ?? 1);
    if (!Number.isInteger(depth) || depth < 0 || depth > 5) throw new ToolProblem('depth must be a whole number from 0 to 5.');
    const q = new URLSearchParams({ depth: String(depth), timeframe: a.timeframe, page: String(a.page), page_size: String(a.page_size), max_related: String(a.max_related) });
    const g = await ctx.api.json<GraphContext>('GET', `${v2(p)}/memory/${path.split('/').map(encodeURIComponent).join('/')}?${q}`);
    if (a.output_format === 'json') return g as unknown as Record<string, unknown>;
    return formatContext(`Context: memory://${path}`, g, p);
  },
});

export const recentActivity = defineTool({
  name: 'recent_activity',
  title: 'Recent Activity',
  description: 'Get recent activity for a project or across all projects.\n\nTimeframe supports natural language formats like:\n- "2 days ago"\n- "last week"\n- "yesterday"\n- "today"\n- "3 weeks ago"\nOr standard formats like "7d"',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({
    type: z.union([str(20), z.array(str(20)).max(3)]).default('').describe('entity, relation and/or observation (default: all)'),
    depth: z.number().int().min(0).max(5).default(1),
    timeframe: timeframeArg,
    page: pageArg,
    page_size: pageSizeArg(),
    ...projectArgs,
    output_format: outputFormat(),
  }),
  aliases: { type: ['types', 'kind'], timeframe: ['since', 'time_range', 'lookback'], page: ['page_number'], page_size: ['limit', 'per_page'] },
  async run(ctx, a) {
    const types = (Array.isArray(a.type) ? a.type : a.type.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean);
    const bad = types.filter((t) => !['entity', 'relation', 'observation'].includes(t));
    if (bad.length) throw new ToolProblem(`Invalid type: ${bad.join(', ')}. Valid types are entity, relation, observation.`);
    const q = new URLSearchParams({ depth: String(a.depth), timeframe: a.timeframe, page: String(a.page), page_size: String(a.page_size) });
    for (const t of types) q.append('type', t);
    const explicit = a.project || a.project_id;
    const projects = explicit ? [await resolveProject(ctx.api, a)] : (await ctx.api.projects()).projects;
    const out: Array<{ project: ProjectItem; g: GraphContext }> = [];
    for (const p of projects) out.push({ project: p, g: await ctx.api.json<GraphContext>('GET', `${v2(p)}/memory/recent?${q}`) });
    if (a.output_format === 'json') {
      if (explicit) return out[0]!.g as unknown as Record<string, unknown>;
      return { projects: Object.fromEntries(out.map(({ project, g }) => [project.name, g])), timeframe: a.timeframe };
    }
    if (explicit) return formatContext(`Recent Activity: ${out[0]!.project.name} (${a.timeframe})`, out[0]!.g, out[0]!.project);
    const lines = [`# Recent Activity Across All Projects (${a.timeframe})`, ''];
    for (const { project, g } of out) {
      lines.push(`## ${project.name}${project.is_default ? ' (default)' : ''}`, `${g.results.length} item(s)`);
      for (const r of g.results.slice(0, 5)) lines.push(`- ${r.primary_result.title} (${r.primary_result.permalink ?? r.primary_result.file_path})`);
      lines.push('');
    }
    lines.push('Use `recent_activity(project="<name>")` for one project in detail.');
    return lines.join('\n');
  },
});

interface DirNode { name: string; type: 'directory' | 'file'; directory_path: string; file_path?: string | null; title?: string | null; permalink?: string | null; updated_at?: string | null }

export const listDirectory = defineTool({
  name: 'list_directory',
  title: 'List Directory',
  description: 'List directory contents with filtering and depth control.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({
    dir_name: str(1024).default('/').describe('Directory to list, relative to the project root ("/" for the root)'),
    depth: z.number().int().min(1).max(10).default(1),
    file_name_glob: str(200).nullish().describe('Only names matching this glob, e.g. "*.md"'),
    sort: z.enum(['title_asc', 'title_desc', 'updated_asc', 'updated_desc']).nullish(),
    page: pageArg,
    page_size: pageSizeArg(),
    output_format: outputFormat(),
    ...projectArgs,
  }),
  aliases: { dir_name: ['directory', 'folder', 'path', 'dir'], file_name_glob: ['glob', 'pattern', 'filter'], page_size: ['limit', 'per_page'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    assertProjectPath(a.dir_name, 'dir_name');
    const q = new URLSearchParams({ dir_name: a.dir_name || '/', depth: String(a.depth) });
    if (a.file_name_glob) q.set('file_name_glob', a.file_name_glob);
    let nodes = await ctx.api.json<DirNode[]>('GET', `${v2(p)}/directory/list?${q}`);
    if (a.sort) {
      const [key, dir] = a.sort.split('_') as ['title' | 'updated', 'asc' | 'desc'];
      const val = (n: DirNode) => (key === 'title' ? (n.title ?? n.name).toLowerCase() : n.updated_at ?? '');
      nodes = [...nodes].sort((x, y) => (val(x) < val(y) ? -1 : val(x) > val(y) ? 1 : 0) * (dir === 'asc' ? 1 : -1));
    }
    const total = nodes.length;
    const pageItems = nodes.slice((a.page - 1) * a.page_size, a.page * a.page_size);
    const hasMore = a.page * a.page_size < total;
    if (a.output_format === 'json') return { dir_name: a.dir_name, depth: a.depth, total, page: a.page, page_size: a.page_size, has_more: hasMore, items: pageItems };
    if (!total) return `No files found in directory '${a.dir_name}'${a.file_name_glob ? ` matching '${a.file_name_glob}'` : ''}`;
    const lines = [`Contents of '${a.dir_name}' (depth ${a.depth}), page ${a.page}: ${pageItems.length} of ${total} item(s)`, ''];
    for (const n of pageItems) lines.push(n.type === 'directory' ? `📁 ${n.name.padEnd(30)} ${n.directory_path}` : `📄 ${n.name.padEnd(30)} ${n.file_path ?? n.directory_path}${n.title ? ` | ${n.title}` : ''}`);
    if (hasMore) lines.push('', `More items: page=${a.page + 1}`);
    return lines.join('\n');
  },
});
