// Where a request came from, for audit events: first X-Forwarded-For hop (set by Next's server /
// the load balancer in front of it), else X-Real-IP; the user agent truncated.
export function requestInfoFromHeaders(h: Headers): { ip: string | null; userAgent: string | null } {
  const xff = h.get('x-forwarded-for');
  const ip = (xff ? xff.split(',')[0]!.trim() : h.get('x-real-ip')?.trim()) || null;
  const ua = h.get('user-agent');
  return { ip: ip ? ip.slice(0, 64) : null, userAgent: ua ? ua.slice(0, 512) : null };
}
