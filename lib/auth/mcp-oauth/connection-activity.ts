// Calls in the last 24 h per MCP connection, for Connected apps. The `/mcp` endpoint records every call under
// the connection's id (Principal.sessionId); its store and query live with that endpoint. Until that query is
// wired in here, this answers null ("not recorded") rather than a made-up zero.
import type { Database } from '../../db/client.ts';

/** The hook: connection id → calls in the 24 h before `now`, or null when calls are not recorded. */
export type CallCounter = (db: Database, connectionIds: string[], now: Date) => Promise<Map<string, number> | null>;

export const countMcpCallsLast24h: CallCounter = async () => null;
