// URLs of the ops pages: one place that knows their query parameters.
export type OpsParams = Partial<Record<'range' | 'q' | 'sort' | 'dir' | 'page', string>>;

export function opsHref(p: OpsParams, path = '/ops'): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) u.set(k, v);
  const s = u.toString();
  return s ? `${path}?${s}` : path;
}

export function runsHref(from: Date, to: Date, o: { scanType?: string; tenantId?: string } = {}): string {
  const u = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  if (o.scanType) u.set('scanType', o.scanType);
  if (o.tenantId) u.set('tenantId', o.tenantId);
  return `/ops/runs?${u}`;
}
