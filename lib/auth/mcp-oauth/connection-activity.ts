// Calls in the last 24 h per MCP connection, for Connected apps. The `/mcp` endpoint records every call under
// the connection's id (Principal.sessionId) in its hourly roll-ups, read per tenant by `mcpCallsByGrant`.
import type { Database } from '../../db/client.ts';
import { mcpCallsByGrant } from '../../db/queries/mcp-calls.ts';

/** The hook: connection id → calls in the 24 h before `now` (roll-ups are hourly, so "24 h" starts at the hour). */
export type CallCounter = (db: Database, connections: Array<{ id: string; tenantId: string | null }>, now: Date) => Promise<Map<string, number> | null>;

export const countMcpCallsLast24h: CallCounter = async (db, connections, now) => {
  const since = new Date(now.getTime() - 86_400_000);
  const out = new Map<string, number>();
  for (const tenantId of new Set(connections.map((c) => c.tenantId).filter((t): t is string => !!t))) {
    for (const [grantId, c] of await mcpCallsByGrant(db, tenantId, since)) out.set(grantId, c.calls);
  }
  return out;
};
