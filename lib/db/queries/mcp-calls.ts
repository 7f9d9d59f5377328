// MCP call records: hourly roll-ups per tenant, grant, client, tool and outcome (written by lib/mcp/call-records.ts),
// and the MCP client that last changed each note. Read by the ops views (per tenant), the connected-apps page
// (per grant) and the notes browser's recent activity (which client wrote a note).
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { mcpCallRollups, mcpNoteChanges } from '../schema.ts';

export type McpOutcome = (typeof mcpCallRollups.$inferInsert)['outcome'];

export interface McpCallIncrement {
  tenantId: string;
  hour: Date;
  grantId: string;
  clientId: string;
  tool: string;
  outcome: McpOutcome;
  calls: number;
  totalMs: number;
  lastAt: Date;
}

/** Adds counted calls (one upsert for the batch). */
export async function addMcpCalls(db: Database, rows: McpCallIncrement[]): Promise<void> {
  if (!rows.length) return;
  await db.insert(mcpCallRollups).values(rows.map((r) => ({ ...r, totalMs: Math.round(r.totalMs) })))
    .onConflictDoUpdate({
      target: [mcpCallRollups.tenantId, mcpCallRollups.hour, mcpCallRollups.grantId, mcpCallRollups.clientId, mcpCallRollups.tool, mcpCallRollups.outcome],
      set: {
        calls: sql`${mcpCallRollups.calls} + excluded.calls`,
        totalMs: sql`${mcpCallRollups.totalMs} + excluded.total_ms`,
        lastAt: sql`greatest(${mcpCallRollups.lastAt}, excluded.last_at)`,
      },
    });
}

const errorsExpr = sql<number>`coalesce(sum(${mcpCallRollups.calls}) filter (where ${mcpCallRollups.outcome} not in ('ok', 'cancelled')), 0)::int`;
const callsExpr = sql<number>`coalesce(sum(${mcpCallRollups.calls}), 0)::int`;
const lastExpr = sql<Date | null>`max(${mcpCallRollups.lastAt})`;

export interface McpCallCounts { calls: number; errors: number; lastAt: Date | null }

/** Calls and errors (every outcome but ok) per tenant since `since` (ops fleet view). */
export async function mcpCallsByTenant(db: Database, since: Date, tenantIds?: string[]): Promise<Map<string, McpCallCounts>> {
  const where = tenantIds ? and(gte(mcpCallRollups.hour, hourOf(since)), inArray(mcpCallRollups.tenantId, tenantIds)) : gte(mcpCallRollups.hour, hourOf(since));
  const rows = await db.select({ tenantId: mcpCallRollups.tenantId, calls: callsExpr, errors: errorsExpr, lastAt: lastExpr })
    .from(mcpCallRollups).where(where).groupBy(mcpCallRollups.tenantId);
  return new Map(rows.map((r) => [r.tenantId, { calls: Number(r.calls), errors: Number(r.errors), lastAt: r.lastAt ? new Date(r.lastAt) : null }]));
}

/** One tenant's calls and errors per tool since `since` (ops tenant page), busiest first. */
export async function mcpCallsByTool(db: Database, tenantId: string, since: Date): Promise<Array<{ tool: string } & McpCallCounts>> {
  const rows = await db.select({ tool: mcpCallRollups.tool, calls: callsExpr, errors: errorsExpr, lastAt: lastExpr })
    .from(mcpCallRollups).where(and(eq(mcpCallRollups.tenantId, tenantId), gte(mcpCallRollups.hour, hourOf(since))))
    .groupBy(mcpCallRollups.tool);
  return rows.map((r) => ({ tool: r.tool, calls: Number(r.calls), errors: Number(r.errors), lastAt: r.lastAt ? new Date(r.lastAt) : null }))
    .sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
}

/** One tenant's calls per grant (token family) since `since`: the connected-apps page's "calls in the last 24 h". */
export async function mcpCallsByGrant(db: Database, tenantId: string, since: Date): Promise<Map<string, McpCallCounts & { clientId: string }>> {
  const rows = await db.select({ grantId: mcpCallRollups.grantId, clientId: sql<string>`max(${mcpCallRollups.clientId})`, calls: callsExpr, errors: errorsExpr, lastAt: lastExpr })
    .from(mcpCallRollups).where(and(eq(mcpCallRollups.tenantId, tenantId), gte(mcpCallRollups.hour, hourOf(since))))
    .groupBy(mcpCallRollups.grantId);
  return new Map(rows.map((r) => [r.grantId, { clientId: r.clientId, calls: Number(r.calls), errors: Number(r.errors), lastAt: r.lastAt ? new Date(r.lastAt) : null }]));
}

/** The start of the hour `d` falls in (roll-ups are keyed by it). */
export function hourOf(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
}

// ─── which client changed a note ──────────────────────────────────────────────────────────────────

export async function recordMcpNoteChange(db: Database, r: { tenantId: string; project: string; filePath: string; clientName: string; tool: string; changedAt: Date }): Promise<void> {
  await db.insert(mcpNoteChanges).values(r).onConflictDoUpdate({
    target: [mcpNoteChanges.tenantId, mcpNoteChanges.project, mcpNoteChanges.filePath],
    set: { clientName: r.clientName, tool: r.tool, changedAt: r.changedAt },
  });
}

/** The last MCP change of each of these files of a project. */
export async function mcpNoteChangesFor(db: Database, tenantId: string, project: string, filePaths: string[]): Promise<Map<string, { clientName: string; tool: string; changedAt: Date }>> {
  if (!filePaths.length) return new Map();
  const rows = await db.select().from(mcpNoteChanges)
    .where(and(eq(mcpNoteChanges.tenantId, tenantId), eq(mcpNoteChanges.project, project), inArray(mcpNoteChanges.filePath, filePaths)));
  return new Map(rows.map((r) => [r.filePath, { clientName: r.clientName, tool: r.tool, changedAt: r.changedAt }]));
}
