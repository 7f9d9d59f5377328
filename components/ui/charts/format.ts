// Axis and table formatting shared by the charts.
import { formatUtc } from '@/lib/format/dates.ts';

/** Tick label for a time bucket: "14:05" for buckets under 6 h (ranges up to two days), "Dec 1" beyond. Always UTC (server-rendered). */
export function timeTick(d: Date, bucketSeconds: number): string {
  if (bucketSeconds < 6 * 3600) return d.toISOString().slice(11, 16);
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export const bucketLabel = (d: Date) => formatUtc(d);
export const nf = new Intl.NumberFormat('en-US');
export const compact = (n: number) => (Math.abs(n) >= 10_000 ? new Intl.NumberFormat('en-US', { notation: 'compact' }).format(n) : nf.format(Math.round(n)));

/** At most `n` evenly spaced items (for tick labels). */
export function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const step = Math.ceil(xs.length / n);
  return xs.filter((_, i) => i % step === 0);
}
