// Log-spaced duration histograms: fine enough for percentiles, small enough to keep per hour for a year.
//
// Bucket 0 holds durations under 1 ms; bucket i ≥ 1 holds [GROWTH^(i-1), GROWTH^i) ms. A percentile read
// from a histogram is the representative value of the bucket holding the nearest-rank sample: the
// bucket's geometric middle, clamped to the integers it can hold (durations are whole milliseconds).
// Its relative error against the exact nearest-rank value is at most √GROWTH − 1 ≈ 2.5 %.
// Bucket indexes are computed in JS only (never in SQL), so every writer agrees on the edges.

export const HISTOGRAM_GROWTH = 1.05;
/** Largest relative error of a histogram percentile against the exact nearest-rank percentile. */
export const HISTOGRAM_RELATIVE_ERROR = Math.sqrt(HISTOGRAM_GROWTH) - 1;

export type Histogram = Record<string, number>;

const LN_GROWTH = Math.log(HISTOGRAM_GROWTH);

export function bucketOf(durationMs: number): number {
  if (!(durationMs >= 1)) return 0;
  return 1 + Math.floor(Math.log(durationMs) / LN_GROWTH);
}

/** The value a bucket stands for. */
export function bucketValue(index: number): number {
  if (index <= 0) return 0;
  const lo = HISTOGRAM_GROWTH ** (index - 1);
  const hi = HISTOGRAM_GROWTH ** index;
  const mid = Math.sqrt(lo * hi);
  // Whole milliseconds only: the integers inside [lo, hi).
  const firstInt = Math.ceil(lo);
  const lastInt = Math.ceil(hi) - 1;
  if (firstInt > lastInt) return mid;
  return Math.min(Math.max(mid, firstInt), lastInt);
}

export function addToHistogram(h: Histogram, durationMs: number, count = 1): void {
  const k = String(bucketOf(durationMs));
  h[k] = (h[k] ?? 0) + count;
}

export function mergeHistograms(into: Histogram, from: Histogram): Histogram {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + Number(v);
  return into;
}

/** Nearest-rank percentile (q in (0, 1]) of a histogram; null when empty. */
export function histogramPercentile(h: Histogram, q: number): number | null {
  const entries = Object.entries(h).map(([k, v]) => [Number(k), Number(v)] as const).filter(([, v]) => v > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [k, v] of entries) {
    seen += v;
    if (seen >= rank) return bucketValue(k);
  }
  return bucketValue(entries[entries.length - 1]![0]);
}

/** Exact nearest-rank percentile of raw values (what a histogram percentile approximates). */
export function exactPercentile(values: number[], q: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil(q * s.length)) - 1]!;
}
