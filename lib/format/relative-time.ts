// "3 min ago" / "in 2 h": the one wording of relative times, used by the RelativeTime component (server and
// client renders alike).

/** Relative to `now` (ms since the epoch): "just now" within 10 s, then s, min, h, days; past or future. */
export function relativeText(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  const a = Math.abs(s);
  const fut = s < 0;
  const f = (n: number, u: string) => (fut ? `in ${n} ${u}` : `${n} ${u} ago`);
  if (a < 10) return 'just now';
  if (a < 60) return f(a, 's');
  if (a < 3600) return f(Math.round(a / 60), 'min');
  if (a < 86400) return f(Math.round(a / 3600), 'h');
  const d = Math.round(a / 86400);
  return f(d, d === 1 ? 'day' : 'days');
}
