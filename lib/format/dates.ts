// Absolute times for people: UTC and labelled so (pages are rendered on the server, whose zone is not the
// reader's); to the minute in text, to the second where the exact moment matters (hover titles).

/** "2026-12-07 04:58 UTC" (or "2026-12-07 04:58:12 UTC" with `'second'`, "2026-12-07 UTC" with `'day'`); the input as given when it is not a date. */
export function formatUtc(at: string | Date, precision: 'day' | 'minute' | 'second' = 'minute'): string {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(t)) return String(at);
  return new Date(t).toISOString().replace('T', ' ').slice(0, { day: 10, minute: 16, second: 19 }[precision]) + ' UTC';
}

/** "Dec 7, 2026, 4:58 PM" in the viewer's own locale and zone: only for client renders after hydration. */
export const formatLocal = (iso: string): string => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
