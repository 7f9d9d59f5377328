// A project's recent activity from the tenant's GET /{project}/memory/recent (upstream GraphContext): the
// notes changed within the timeframe, newest first, each with how many observations and links it carries.
// Upstream's EntitySummary has only `created_at`; when the page also has the tree, its `updated_at` (the
// index's modification time) is shown instead, so "updated 2 minutes ago" means what it says.
import { z } from 'zod';
import { jsonOf, tenantCall } from '../tenants/tenant-call.ts';
import { flattenFiles } from './link-index.ts';
import { TenantNotesError, type DirectoryNode } from './tenant-notes.ts';

const RECENT_TIMEFRAME = '30d';
export const RECENT_TIMEFRAME_LABEL = 'the last 30 days';
const RECENT_LIMIT = 10;

export interface RecentItem {
  filePath: string;
  title: string;
  permalink: string | null;
  /** ISO time of the change shown: the index's updated_at when known, else the note's created_at. */
  at: string;
  atKind: 'updated' | 'created';
  observations: number;
  relations: number;
  /** The MCP client that made this change (write, edit or move through /mcp), when it was the last change. */
  changedBy?: string | null;
}

const RecentSchema = z.looseObject({
  results: z.array(z.looseObject({
    primary_result: z.looseObject({ type: z.string(), file_path: z.string(), title: z.string(), permalink: z.string().nullish(), created_at: z.string() }),
    observations: z.array(z.unknown()).default([]),
    related_results: z.array(z.looseObject({ type: z.string() })).default([]),
  })),
});

/** Turns a GraphContext into the list the page shows (entities only, once each, in the tenant's order). */
export function recentFromContext(ctx: z.infer<typeof RecentSchema>): RecentItem[] {
  const out: RecentItem[] = [];
  const seen = new Set<string>();
  for (const r of ctx.results) {
    const p = r.primary_result;
    if (p.type !== 'entity' || seen.has(p.file_path)) continue;
    seen.add(p.file_path);
    out.push({ filePath: p.file_path, title: p.title, permalink: p.permalink ?? null, at: p.created_at, atKind: 'created',
      observations: r.observations.length, relations: r.related_results.filter((x) => x.type === 'relation').length });
  }
  return out;
}

/** The tree's updated_at replaces created_at where the tree knows the file. */
export function withTreeTimes(items: RecentItem[], tree: DirectoryNode[]): RecentItem[] {
  const updated = new Map<string, string>();
  for (const f of flattenFiles(tree)) if (f.updated_at) updated.set(f.file_path, f.updated_at);
  return items.map((it) => {
    const u = updated.get(it.filePath);
    return u ? { ...it, at: u, atKind: 'updated' as const } : it;
  });
}

export async function loadRecentActivity(tenantId: string, project: string): Promise<RecentItem[]> {
  const q = new URLSearchParams({ timeframe: RECENT_TIMEFRAME, type: 'entity', depth: '1', page: '1', page_size: String(RECENT_LIMIT), max_related: '50' });
  const r = await tenantCall(tenantId, 'GET', `/${encodeURIComponent(project)}/memory/recent?${q}`);
  if (r.status !== 200) throw new TenantNotesError(r);
  const parsed = RecentSchema.safeParse(jsonOf(r));
  if (!parsed.success) throw new TenantNotesError({ ...r, status: 502, body: Buffer.from(JSON.stringify({ detail: 'The tenant answered recent activity in an unexpected shape.' })) });
  return recentFromContext(parsed.data);
}

/** A change recorded within this long after the file's time is the same change (the record is written after the file). */
const SAME_CHANGE_MS = 5_000;

/**
 * Marks each item with the MCP client that changed it, when an MCP write/edit/move is the latest change: the recorded
 * change is not older than the file's own time (minus a little, since the record is written just after the file).
 */
export function withMcpClients(items: RecentItem[], changes: Map<string, { clientName: string; changedAt: Date }>): RecentItem[] {
  return items.map((it) => {
    const c = changes.get(it.filePath);
    if (!c) return it;
    return c.changedAt.getTime() + SAME_CHANGE_MS >= Date.parse(it.at) ? { ...it, changedBy: c.clientName } : it;
  });
}
