// The loaders behind each ops page AND its JSON route (one function per view, so they agree).
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { Database } from '../db/client.ts';
import { opsOverview, opsRunsInBucket, opsTenantDetail, opsTenantsTable, OpsRange, OpsRunsQuery, OpsTenantsQuery } from '../db/queries/ops-fleet.ts';
import { rebuildHistory } from '../db/queries/sync-runs.ts';
import { recordAuditEvent } from '../db/queries/audit.ts';
import { DEFAULT_HISTORY_CONFIG } from '../config/history.ts';
import { getConfig } from '../config/index.ts';
import { opsSettings } from './ops-settings.ts';
import { mcpCallsByTenant, mcpCallsByTool } from '../db/queries/mcp-calls.ts';

/** MCP activity is shown for the last 24 hours, whatever the sync range. */
const MCP_WINDOW_MS = 24 * 3_600_000;

type Params = URLSearchParams | Record<string, string | string[] | undefined>;
function plain(p: Params): Record<string, string> {
  const out: Record<string, string> = {};
  if (p instanceof URLSearchParams) { p.forEach((v, k) => { out[k] ??= v; }); return out; }
  for (const [k, v] of Object.entries(p)) { const x = Array.isArray(v) ? v[0] : v; if (x !== undefined && x !== '') out[k] = x; }
  return out;
}

const OverviewQuery = z.object({ range: OpsRange.default('24h') });

/** A malformed ops query: a 400 `{"detail"}` on the JSON routes, a notice on the pages. */
export class OpsQueryError extends HttpError {
  constructor(message: string) { super(400, message); }
}
function parse<S extends z.ZodType>(schema: S, p: Params): z.output<S> {
  const r = schema.safeParse(plain(p));
  if (!r.success) throw new OpsQueryError(r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return r.data;
}

export async function loadOpsOverview(db: Database, p: Params, now = new Date()) {
  const { range } = parse(OverviewQuery, p);
  const overview = await opsOverview(db, range, now, opsSettings());
  // Rebuild duration over time against files indexed: the raw rebuild records in the range (all kept raw).
  const rebuilds = (await rebuildHistory(db, { limit: 200 })).filter((r) => r.startedAt >= overview.from && r.startedAt < overview.to);
  return { generated_at: now.toISOString(), ...overview, rebuilds, retention: retentionNote() };
}

export async function loadOpsTenants(db: Database, p: Params, now = new Date()) {
  const q = parse(OpsTenantsQuery, p);
  const table = await opsTenantsTable(db, q, now, opsSettings());
  const counts = await mcpCallsByTenant(db, new Date(now.getTime() - MCP_WINDOW_MS), table.rows.map((r) => r.tenantId));
  const mcp: Record<string, { calls: number; errors: number }> = {};
  for (const [id, c] of counts) mcp[id] = { calls: c.calls, errors: c.errors };
  return { generated_at: now.toISOString(), ...table, mcp_24h: mcp };
}

export async function loadOpsTenant(db: Database, tenantId: string, p: Params, viewer: { userId: string; ip: string | null; userAgent: string | null }, now = new Date()) {
  const { range } = parse(OverviewQuery, p);
  const detail = await opsTenantDetail(db, tenantId, range, now, opsSettings());
  if (!detail) return null;
  // Opening a tenant's ops view is an audit event (who looked at whose tenant, when, from where).
  await recordAuditEvent(db, { actorUserId: viewer.userId, tenantId, action: 'ops.tenant_viewed', target: tenantId, ip: viewer.ip, userAgent: viewer.userAgent });
  const mcpTools = await mcpCallsByTool(db, tenantId, new Date(now.getTime() - MCP_WINDOW_MS));
  const mcp = { window_hours: 24, calls: mcpTools.reduce((n, t) => n + t.calls, 0), errors: mcpTools.reduce((n, t) => n + t.errors, 0), by_tool: mcpTools };
  return { generated_at: now.toISOString(), ...detail, mcp };
}

export async function loadOpsRuns(db: Database, p: Params) {
  const q = parse(OpsRunsQuery, p);
  return { query: q, runs: await opsRunsInBucket(db, q), retention: retentionNote() };
}

/** What raw lists can show: no-change runs are counted for a year but listed only while raw. */
function retentionNote(): { raw_no_change_hours: number; raw_changed_days: number; rollup_days: number } {
  let h = DEFAULT_HISTORY_CONFIG;
  try { h = getConfig().history; } catch { /* tests without full config */ }
  return { raw_no_change_hours: h.rawNoChangeMs / 3_600_000, raw_changed_days: h.rawChangedMs / 86_400_000, rollup_days: h.rollupMs / 86_400_000 };
}
