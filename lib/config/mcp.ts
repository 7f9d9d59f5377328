// The remote MCP endpoint (`/mcp`): per-person call budget, size caps, extra allowed browser origins.
// index.ts validates this section with the others at start; `getMcpConfig()` reads it alone (memoized).
import { z } from 'zod';
import { envInt, envString } from './env.ts';

export const mcpEnvSchema = z.object({
  /** tools/call per person per minute (token bucket refill), beyond the burst → 429 + Retry-After. */
  MCP_CALLS_PER_MINUTE: envInt(60, 1, 1_000_000, 'the number of MCP tool calls per person per minute'),
  /** Calls one person may make at once before the per-minute rate applies. */
  MCP_CALL_BURST: envInt(30, 1, 1_000_000, 'the MCP tool-call burst per person'),
  /** Largest text of one tool result; longer answers are cut with a note. Claude's connectors take about 150 000. */
  MCP_MAX_RESULT_CHARS: envInt(100_000, 1_000, 10_000_000, 'the largest MCP tool result in characters'),
  /** Largest /mcp request body (413 beyond). */
  MCP_MAX_REQUEST_BYTES: envInt(2 * 1024 * 1024, 1024, 64 * 1024 * 1024, 'the largest /mcp request body in bytes'),
  /** Browser origins allowed to call /mcp besides APP_URL's (e.g. the MCP Inspector, http://localhost:6274), comma-separated. */
  MCP_ALLOWED_ORIGINS: envString(),
  /** Hourly per-tenant call roll-ups (ops, connected apps) are kept this many days; the history maintenance job deletes older ones. */
  MCP_CALL_ROLLUP_DAYS: envInt(90, 1, 3650, 'days to keep hourly MCP call roll-ups'),
  /** Which client last changed a note ("by <client> (MCP)"): kept this many days after the change. */
  MCP_NOTE_CHANGE_DAYS: envInt(90, 1, 3650, 'days to keep the MCP client that last changed a note'),
});

export type McpEnv = z.output<typeof mcpEnvSchema>;

export interface McpConfig {
  callsPerMinute: number;
  burst: number;
  maxResultChars: number;
  maxRequestBytes: number;
  allowedOrigins: string[];
  callRollupMs: number;
  noteChangeMs: number;
}

export function buildMcpConfig(e: McpEnv): McpConfig {
  return {
    callsPerMinute: e.MCP_CALLS_PER_MINUTE,
    burst: e.MCP_CALL_BURST,
    maxResultChars: e.MCP_MAX_RESULT_CHARS,
    maxRequestBytes: e.MCP_MAX_REQUEST_BYTES,
    allowedOrigins: (e.MCP_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean),
    callRollupMs: e.MCP_CALL_ROLLUP_DAYS * 86_400_000,
    noteChangeMs: e.MCP_NOTE_CHANGE_DAYS * 86_400_000,
  };
}

const KEY = Symbol.for('bmc.mcpConfig');
type Holder = { [KEY]?: McpConfig };

export function getMcpConfig(): McpConfig {
  const g = globalThis as Holder;
  return (g[KEY] ??= buildMcpConfig(mcpEnvSchema.parse(process.env)));
}
