// A per-person budget of MCP tool calls: a token bucket (burst, then N per minute) kept in this process. It
// answers in microseconds on the hot path; with several app instances each holds its own buckets, so the
// effective limit is per instance (a person's calls normally stick to one through keep-alive).
export interface CallBudget {
  /** Takes one call from `key`'s bucket: null when allowed, else the seconds until one is available. */
  take(key: string, now?: number): number | null;
}

export function createCallBudget(perMinute: number, burst: number, maxKeys = 100_000): CallBudget {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const rate = perMinute / 60_000; // tokens per ms
  return {
    take(key, now = Date.now()) {
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) buckets.clear();
        b = { tokens: burst, at: now };
        buckets.set(key, b);
      } else {
        b.tokens = Math.min(burst, b.tokens + (now - b.at) * rate);
        b.at = now;
      }
      if (b.tokens >= 1) { b.tokens -= 1; return null; }
      return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
    },
  };
}
