// What /mcp remembers about calls: /metrics counters at once, per-tenant hourly roll-ups (batched in memory and
// flushed every few seconds, so the hot path never waits for the database), an audit event per destructive call,
// and the client that last changed each note. Failures to record are logged, never shown to the caller.
import type { Database } from '../db/client.ts';
import { recordAuditEvent } from '../db/queries/audit.ts';
import { addMcpCalls, hourOf, recordMcpNoteChange, type McpCallIncrement, type McpOutcome } from '../db/queries/mcp-calls.ts';
import { getLogger } from '../log.ts';
import { recordMcpToolCall } from '../metrics/mcp-metrics.ts';

export interface CallRecord {
  tenantId: string;
  userId: string;
  grantId: string | null;
  clientId: string | null;
  tool: string;
  knownTool: boolean;
  outcome: McpOutcome;
  ms: number | null;
  at: Date;
}

const FLUSH_MS = 5_000;

export class McpCallRecorder {
  private pending = new Map<string, McpCallIncrement>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly getDb: () => Promise<Database>;
  constructor(getDb: () => Promise<Database>) { this.getDb = getDb; }

  count(r: CallRecord): void {
    recordMcpToolCall(r.tool, r.knownTool, r.outcome, r.ms == null ? null : r.ms / 1000);
    const tool = r.knownTool ? r.tool : 'unknown';
    const hour = hourOf(r.at);
    const key = `${r.tenantId}|${hour.getTime()}|${r.grantId ?? ''}|${r.clientId ?? ''}|${tool}|${r.outcome}`;
    const row = this.pending.get(key);
    if (row) { row.calls++; row.totalMs += r.ms ?? 0; if (r.at > row.lastAt) row.lastAt = r.at; } else {
      this.pending.set(key, { tenantId: r.tenantId, hour, grantId: r.grantId ?? '', clientId: (r.clientId ?? '').slice(0, 500), tool, outcome: r.outcome, calls: 1, totalMs: r.ms ?? 0, lastAt: r.at });
    }
    if (!this.timer) { this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, FLUSH_MS); this.timer.unref(); }
  }

  /** Writes what is counted so far (tests and shutdown call it directly). */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (!this.pending.size) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = (async () => {
      try { await addMcpCalls(await this.getDb(), rows); } catch (err) {
        getLogger().warn({ err: err instanceof Error ? err.message : String(err), rows: rows.length }, 'mcp call records not written');
      }
    })();
    await this.flushing;
    this.flushing = null;
  }

  audit(e: { tenantId: string; userId: string; tool: string; target: string | null; clientId: string | null; clientName: string | null; grantId: string | null; ip: string | null; userAgent: string | null; outcome: string }): void {
    void this.getDb().then((db) => recordAuditEvent(db, {
      actorUserId: e.userId, tenantId: e.tenantId, action: `mcp.${e.tool}`, target: e.target, ip: e.ip, userAgent: e.userAgent,
      metadata: { client_id: e.clientId, client_name: e.clientName, grant_id: e.grantId, outcome: e.outcome },
    })).catch((err) => getLogger().warn({ err: err instanceof Error ? err.message : String(err) }, 'mcp audit event not written'));
  }

  noteChanged(e: { tenantId: string; project: string; filePath: string; clientName: string; tool: string }): void {
    void this.getDb().then((db) => recordMcpNoteChange(db, { ...e, clientName: e.clientName.slice(0, 200), changedAt: new Date() }))
      .catch((err) => getLogger().warn({ err: err instanceof Error ? err.message : String(err) }, 'mcp note change not recorded'));
  }
}

const KEY = Symbol.for('bmc.mcpCallRecorder');
type Holder = { [KEY]?: McpCallRecorder };

/** The process's recorder (shared by every Next bundle). */
export function processMcpRecorder(): McpCallRecorder {
  const g = globalThis as Holder;
  return (g[KEY] ??= new McpCallRecorder(async () => (await import('../db/index.ts')).getDb()));
}
