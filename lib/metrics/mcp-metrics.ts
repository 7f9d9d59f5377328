// MCP counters on the control plane's registry (/metrics): tool calls by tool and outcome, and HTTP-level refusals
// of /mcp (auth, scope, budget) by reason. Registered on first use, memoized on globalThis like the registry.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { Counter, Gauge, Histogram } from 'prom-client';
import { appMetrics } from './registry.ts';

interface McpMetrics {
  calls: Counter<'tool' | 'outcome'>;
  duration: Histogram<'tool'>;
  refusals: Counter<'reason'>;
  heap: Gauge;
  heapLive: Gauge;
  fullCollections: Counter;
}

const KEY = Symbol.for('bmc.mcpMetrics');
type Holder = { [KEY]?: McpMetrics };

function mcpMetrics(): McpMetrics {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY];
  const registry = appMetrics().registry;
  return (g[KEY] = {
    calls: new Counter({ name: 'bmc_mcp_tool_calls_total', help: 'MCP tools/call answered, by tool and outcome (ok, tool_error, invalid_arguments, unknown_tool, error, insufficient_scope, rate_limited, cancelled).',
      labelNames: ['tool', 'outcome'] as const, registers: [registry] }),
    duration: new Histogram({ name: 'bmc_mcp_tool_call_duration_seconds', help: 'Time spent in an MCP tool, by tool.', labelNames: ['tool'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] }),
    heap: new Gauge({ name: 'bmc_nodejs_heap_used_bytes', help: 'V8 heap in use by this app process (process.memoryUsage().heapUsed).', registers: [registry],
      collect() { this.set(process.memoryUsage().heapUsed); } }),
    // heapUsed alone counts garbage V8 has not collected yet (old space grows lazily under load); the live set is
    // what is left right after a full collection, which is what says whether memory grows with the calls served.
    heapLive: new Gauge({ name: 'bmc_nodejs_heap_live_bytes', help: 'V8 heap in use just after the latest full (mark-sweep-compact) collection of this app process, young objects allocated since left out: the live set.', registers: [registry] }),
    fullCollections: new Counter({ name: 'bmc_nodejs_gc_full_collections_total', help: 'Full (mark-sweep-compact) collections of this app process seen so far.', registers: [registry] }),
    refusals: new Counter({ name: 'bmc_mcp_refusals_total', help: '/mcp requests refused before dispatch, by reason (unauthenticated, invalid_token, wrong_resource, origin, too_large, no_tenant).',
      labelNames: ['reason'] as const, registers: [registry] }),
  });
}

const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);
/**
 * Heap in use outside the young generation. A full collection promotes every young survivor, so read right after one
 * this is the live set; what the program allocated since (young objects) is left out, which heapUsed would count.
 */
function oldGenerationUsed(): number {
  let n = 0;
  for (const s of v8.getHeapSpaceStatistics()) if (!YOUNG_SPACES.has(s.space_name)) n += s.space_used_size;
  return n;
}

let liveObserver: PerformanceObserver | null = null;
function observeFullCollections(m: McpMetrics): void {
  if (liveObserver) return;
  liveObserver = new PerformanceObserver((list) => {
    const major = list.getEntries().filter((e) => ((e as unknown as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR).length;
    if (major) { m.heapLive.set(oldGenerationUsed()); m.fullCollections.inc(major); }
  });
  liveObserver.observe({ entryTypes: ['gc'] });
}

/** Tool names are a closed set; anything else is counted as `unknown`. */
export function recordMcpToolCall(tool: string, known: boolean, outcome: string, seconds: number | null): void {
  const m = mcpMetrics();
  observeFullCollections(m);
  const name = known ? tool : 'unknown';
  m.calls.labels(name, outcome).inc();
  if (seconds != null) m.duration.labels(name).observe(seconds);
}

export function recordMcpRefusal(reason: string): void {
  mcpMetrics().refusals.labels(reason).inc();
}
