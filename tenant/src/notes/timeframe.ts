// Upstream TimeFrame: '7d', '1 week', '2 days ago', 'today', 'yesterday', an ISO date. Like upstream, the
// lookback is never shorter than one day (clients and server may sit in different time zones).
import { BadRequestError } from '../engine-types.ts';

const UNIT_MS: Record<string, number> = {
  min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, mo: 30 * 86_400_000, y: 365 * 86_400_000,
};
const ALIASES: [RegExp, string][] = [
  [/^(m|min|mins|minute|minutes)$/, 'min'], [/^(h|hr|hrs|hour|hours)$/, 'h'], [/^(d|day|days)$/, 'd'],
  [/^(w|wk|wks|week|weeks)$/, 'w'], [/^(mo|mon|month|months)$/, 'mo'], [/^(y|yr|yrs|year|years)$/, 'y'],
];
const DAY = 86_400_000;

/** The start of the timeframe; BadRequestError when it cannot be read. */
export function parseTimeframe(timeframe: string, now = Date.now()): Date {
  const t = timeframe.trim().toLowerCase();
  let since: number | null = null;
  if (t === 'today') since = now - DAY;
  else if (t === 'yesterday') since = now - 2 * DAY;
  else if (t === 'last week') since = now - 7 * DAY;
  else if (t === 'last month') since = now - 30 * DAY;
  else {
    const m = /^(\d{1,6})\s*([a-z]+)(?:\s+ago)?$/.exec(t);
    if (m) {
      const unit = ALIASES.find(([re]) => re.test(m[2]!))?.[1];
      if (unit) since = now - Number(m[1]) * UNIT_MS[unit]!;
    } else if (/^\d{4}-\d{2}-\d{2}([t ][\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
      const d = Date.parse(t.toUpperCase().replace(' ', 'T'));
      if (!Number.isNaN(d)) since = d;
    }
  }
  if (since === null) throw new BadRequestError(`Could not parse timeframe: ${timeframe}`);
  return new Date(Math.min(since, now - DAY));
}
