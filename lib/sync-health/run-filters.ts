// Run-history filters as they appear in the URL (?outcome=&scan_type=&trigger=&range=&from=&to=&page=).
// Parsing never throws: a malformed value is dropped and reported as a notice the page shows, so a
// hand-edited URL gives the unfiltered list plus an explanation, never a 500.
import { z } from 'zod';
import { RUN_TRIGGERS, SCAN_TYPES } from '../../tenant/src/sync/run-vocabulary.ts';

export const Outcome = z.enum(['ok', 'failed', 'unsuccessful', 'with_skipped']);
export type Outcome = z.infer<typeof Outcome>;
export const ScanTypeFilter = z.enum(SCAN_TYPES);
export type ScanTypeFilter = z.infer<typeof ScanTypeFilter>;
export const TriggerFilter = z.enum(RUN_TRIGGERS);
export type TriggerFilter = z.infer<typeof TriggerFilter>;
export const RangeFilter = z.enum(['1h', '24h', '7d', '30d', 'custom']);
export type RangeFilter = z.infer<typeof RangeFilter>;

export const OUTCOME_LABELS: Record<Outcome, string> = {
  ok: 'Succeeded', failed: 'Failed', unsuccessful: 'Unsuccessful (failed, with errors or skipped files)', with_skipped: 'With skipped files',
};
export const RANGE_LABELS: Record<RangeFilter, string> = { '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', custom: 'Custom' };
const RANGE_MS: Record<Exclude<RangeFilter, 'custom'>, number> = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };

const DEFAULT_RANGE: RangeFilter = '24h';
export const PAGE_SIZE = 25;
const MAX_CUSTOM_MS = 366 * 86400e3;

export interface RunFilters {
  outcome: Outcome | null;
  scanType: ScanTypeFilter | null;
  trigger: TriggerFilter | null;
  range: RangeFilter;
  /** Resolved time window [from, to). */
  from: Date;
  to: Date;
  page: number;
}

export interface ParsedRunFilters { filters: RunFilters; notices: string[] }

type Params = URLSearchParams | Record<string, string | string[] | undefined>;
function get(p: Params, k: string): string | undefined {
  if (p instanceof URLSearchParams) return p.get(k) ?? undefined;
  const v = p[k];
  return Array.isArray(v) ? v[0] : v;
}

const DateParam = z.string().max(40).refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s))).transform((s) => new Date(s));

export function parseRunFilters(params: Params, now: Date = new Date()): ParsedRunFilters {
  const notices: string[] = [];
  const one = <T>(key: string, schema: z.ZodType<T>, what: string): T | null => {
    const raw = get(params, key);
    if (raw === undefined || raw === '') return null;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    notices.push(`Ignored ${key}="${raw.slice(0, 40)}": expected ${what}.`);
    return null;
  };
  const outcome = one('outcome', Outcome, Outcome.options.join(', '));
  const scanType = one('scan_type', ScanTypeFilter, ScanTypeFilter.options.join(', '));
  const trigger = one('trigger', TriggerFilter, TriggerFilter.options.join(', '));
  let range = one('range', RangeFilter, RangeFilter.options.join(', ')) ?? DEFAULT_RANGE;
  const pageRaw = one('page', z.coerce.number().int().min(1).max(100_000), 'a page number from 1');
  const page = pageRaw ?? 1;

  let from: Date, to: Date;
  if (range === 'custom') {
    const f = one('from', DateParam, 'a date such as 2026-12-01 or 2026-12-01T10:00Z');
    const t = one('to', DateParam, 'a date such as 2026-12-01 or 2026-12-01T10:00Z');
    if (!f) {
      if (!notices.some((n) => n.startsWith('Ignored from'))) notices.push('A custom range needs from=…; showing the last 24 hours.');
      range = DEFAULT_RANGE;
    } else {
      to = t ?? now;
      from = f;
      if (from >= to) { notices.push('Ignored the custom range: from must be before to; showing the last 24 hours.'); range = DEFAULT_RANGE; }
      else if (to.getTime() - from.getTime() > MAX_CUSTOM_MS) { from = new Date(to.getTime() - MAX_CUSTOM_MS); notices.push('The custom range was limited to 366 days.'); }
    }
  }
  if (range !== 'custom') { to = now; from = new Date(now.getTime() - RANGE_MS[range]); }
  return { filters: { outcome, scanType, trigger, range, from: from!, to: to!, page }, notices };
}

/** The URL query for filters (defaults left out), e.g. for links and the BFF route. */
export function runFiltersToQuery(f: Partial<RunFilters>, extra: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  if (f.outcome) q.set('outcome', f.outcome);
  if (f.scanType) q.set('scan_type', f.scanType);
  if (f.trigger) q.set('trigger', f.trigger);
  if (f.range && f.range !== DEFAULT_RANGE) q.set('range', f.range);
  if (f.range === 'custom' && f.from) q.set('from', f.from.toISOString());
  if (f.range === 'custom' && f.to) q.set('to', f.to.toISOString());
  if (f.page && f.page > 1) q.set('page', String(f.page));
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
