// Where the tenant proxy may connect: only addresses the tenant driver hands out — a configured list
// of hosts and port ranges — never whatever a database row says. A tampered `tenant_endpoints` row
// (another host, the database's port, the app's own port) is refused before any connection is made.
import fs from 'node:fs';
import { isIP } from 'node:net';

export interface PortRange { low: number; high: number }

export interface TenantAddressAllowList {
  hosts: Set<string>;
  ports: PortRange[];
}

/** The OS's ephemeral port range (where `TENANT_PORT_RANGE=0` listeners land), else the IANA one. */
export function ephemeralPortRange(): PortRange {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low <= high) return { low, high };
  } catch { /* not Linux */ }
  return { low: 49152, high: 65535 };
}

/** `21000-21999,30000-30010,4000` → ranges; throws on anything else. */
export function parsePortRanges(s: string): PortRange[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean).map((part) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (!m) throw new Error(`not a port or port range: ${part}`);
    const low = Number(m[1]);
    const high = Number(m[2] ?? m[1]);
    if (low < 1 || high > 65535 || low > high) throw new Error(`not a port range: ${part}`);
    return { low, high };
  });
}

function canonicalHost(h: string): string {
  return h.trim().replace(/^\[|\]$/g, '').toLowerCase();
}

export function buildAllowList(hosts: string[], ports: PortRange[]): TenantAddressAllowList {
  return { hosts: new Set(hosts.map(canonicalHost).filter(Boolean)), ports };
}

/** Whether `host:port` is an address the driver could have handed out. */
export function isAllowedTenantAddress(list: TenantAddressAllowList, host: string, port: number): boolean {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return false;
  const h = canonicalHost(host);
  if (!list.hosts.has(h)) return false;
  // A host name is only as good as its resolution; the driver hands out IP literals (TENANT_HOST).
  if (!isIP(h) && h !== 'localhost') return false;
  return list.ports.some((r) => port >= r.low && port <= r.high);
}
