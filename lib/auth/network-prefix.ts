// The network an address belongs to, for limits that one holder of many addresses must not multiply:
// IPv4 /24 (the smallest block routed between networks; one office or one carrier-NAT pool) and IPv6 /64
// (one LAN or one host: the prefix every IPv6 host gets at least, with 2^64 addresses to rotate through)
// plus IPv6 /48 (one customer site: RIPE-690 gives end sites a /48 or /56, so one person can hold up to
// 65,536 /64s). Anything that is not an address is its own network ("unknown").
import { isIPv4, isIPv6 } from 'node:net';

/** The 8 groups of an IPv6 address as numbers (embedded IPv4 tails folded in), or null. */
function ipv6Groups(ip: string): number[] | null {
  if (!isIPv6(ip)) return null;
  let s = ip.toLowerCase().split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    s = s.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  const groups = [...h, ...fill, ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

/** `203.0.113.7` → `v4:203.0.113.0/24`; `2001:db8:1:2:…` → `v6:2001:db8:1:2::/64`. */
export function networkOf(ip: string | null | undefined): string {
  if (ip && isIPv4(ip)) return `v4:${ip.split('.').slice(0, 3).join('.')}.0/24`;
  const g = ip ? ipv6Groups(ip) : null;
  if (g) return `v6:${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
  return 'unknown';
}

/** The site an address belongs to: IPv6 /48; for IPv4 the /24 (a /16 would lump whole carriers together). */
export function siteOf(ip: string | null | undefined): string {
  const g = ip && !isIPv4(ip) ? ipv6Groups(ip) : null;
  if (g) return `v6:${g.slice(0, 3).map((x) => x.toString(16)).join(':')}::/48`;
  return networkOf(ip);
}
