// Fetching a client ID metadata document safely. The `client_id` is an https URL chosen by whoever starts an
// authorization, so fetching it is a server-side request to an address an attacker picks (SSRF):
//   - https only, a path other than `/`, no credentials or fragment;
//   - every address the name resolves to must be public (no private, loopback, link-local, CGNAT, multicast,
//     documentation or mapped forms of those); the connection is pinned to the checked address, so a second
//     DNS answer cannot swap in 127.0.0.1 (rebinding);
//   - no redirects (a 3xx is an error), at most 5 KB, 10 s in all;
// The transport is injectable: tests map `https://client.test/…` to a local fixture server, while the
// production transport keeps every rule above.
import dns from 'node:dns';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';

const METADATA_MAX_BYTES = 5 * 1024;
const METADATA_TIMEOUT_MS = 10_000;

interface TransportResponse {
  status: number;
  header(name: string): string | null;
  body: AsyncIterable<Uint8Array>;
  /** Stop reading (oversize): closes the connection. */
  cancel(): void;
}

/** One GET of an https URL, no redirects followed. */
export type MetadataTransport = (url: URL, signal: AbortSignal) => Promise<TransportResponse>;

export class MetadataFetchError extends Error {}

const blocked = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::', 96], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64], ['2001::', 23],
] as const) blocked.addSubnet(a, p, 'ipv6');

/** Whether an address is one we never connect to on a client's behalf. */
export function isNonPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  // The URL parser's canonical form (compressed, lower case, embedded IPv4 as hex) so every spelling compares alike.
  let lower: string;
  try { lower = new URL(`http://[${address}]/`).hostname.slice(1, -1); } catch { return true; }
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::a.b.c.d) forms: judge the IPv4 inside.
  const v4 = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  if (v4) return blocked.check(v4, 'ipv4');
  const mappedHex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (mappedHex) {
    const n = (parseInt(mappedHex[1]!, 16) << 16 >>> 0) + parseInt(mappedHex[2]!, 16);
    return blocked.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), 'ipv4');
  }
  return blocked.check(address, 'ipv6');
}

/** dns.lookup that answers only with public addresses (all of them checked), else fails. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    if (!list.length || list.some((a) => isNonPublicAddress(a.address))) {
      return callback(Object.assign(new Error(`${hostname} resolves to a private or reserved address`), { code: 'EPRIVATE' }), '', 0);
    }
    if ((options as dns.LookupOptions).all) return callback(null, list as unknown as string, 0);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** The production transport: node:https with the public-only lookup, no redirects, no proxy, no keep-alive. */
export const httpsTransport: MetadataTransport = (url, signal) => new Promise((resolve, reject) => {
  if (net.isIP(url.hostname.replace(/^\[|\]$/g, '')) && isNonPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    return reject(new MetadataFetchError('The metadata document is on a private or reserved address.'));
  }
  const req = https.request(url, {
    method: 'GET', lookup: publicOnlyLookup, signal, agent: false,
    headers: { accept: 'application/json', 'user-agent': 'basic-memory-cloud-oauth' },
  }, (res) => {
    resolve({
      status: res.statusCode ?? 0,
      header: (n) => { const v = res.headers[n.toLowerCase()]; return Array.isArray(v) ? v.join(', ') : v ?? null; },
      body: res,
      cancel: () => res.destroy(),
    });
  });
  req.on('error', (err) => reject((err as { code?: string }).code === 'EPRIVATE'
    ? new MetadataFetchError('The metadata document is on a private or reserved address.') : err));
  req.end();
});

/**
 * Tests and local development only: requests to the given origins go to local plain-http servers
 * (`{'https://client.test': 'http://127.0.0.1:6305'}`); every other URL takes `fallback`.
 */
export function mappedOriginsTransport(map: Record<string, string>, fallback: MetadataTransport = httpsTransport): MetadataTransport {
  return async (url, signal) => {
    const target = map[url.origin];
    if (!target) return fallback(url, signal);
    const res = await fetch(target + url.pathname + url.search, { redirect: 'manual', signal, headers: { accept: 'application/json' } });
    const reader = res.body?.getReader();
    return {
      status: res.status,
      header: (n) => res.headers.get(n),
      body: { async *[Symbol.asyncIterator]() { if (!reader) return; for (;;) { const r = await reader.read(); if (r.done) return; yield r.value; } } },
      cancel: () => { void reader?.cancel().catch(() => {}); },
    };
  };
}

/** Checks the shape of a client_id URL before anything is fetched. */
export function checkMetadataUrl(clientId: string): URL | string {
  let url: URL;
  try { url = new URL(clientId); } catch { return 'client_id is not a URL.'; }
  if (url.protocol !== 'https:') return 'A client ID metadata document must be served over https.';
  if (url.username || url.password || url.hash) return 'The client_id URL must not contain credentials or a fragment.';
  if (url.pathname === '/' || url.pathname === '') return 'The client_id URL needs a path (not the bare origin).';
  if (/\/\.\.?(\/|$)/.test(url.pathname)) return 'The client_id URL must not contain . or .. segments.';
  if (url.href !== clientId) return 'The client_id URL must be in normalised form.';
  return url;
}

/** Seconds to keep a document, from Cache-Control: max-age capped at 7 days; none given: 1 hour; no-store: 0. */
export function cacheSeconds(cacheControl: string | null): number {
  const cc = (cacheControl ?? '').toLowerCase();
  if (/\bno-store\b|\bno-cache\b|\bprivate\b/.test(cc)) return 0;
  const m = /\bmax-age=(\d+)/.exec(cc);
  const v = m ? Number(m[1]) : 3600;
  return Math.min(v, 7 * 86_400);
}

/** Fetches the document: parsed JSON and how long it may be cached, or a MetadataFetchError saying why not. */
export async function fetchMetadataDocument(url: URL, transport: MetadataTransport, timeoutMs = METADATA_TIMEOUT_MS): Promise<{ json: unknown; cacheSeconds: number }> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: TransportResponse;
  try {
    res = await transport(url, signal);
  } catch (err) {
    if (err instanceof MetadataFetchError) throw err;
    if (signal.aborted) throw new MetadataFetchError(`The metadata document did not arrive within ${timeoutMs / 1000} s.`);
    throw new MetadataFetchError('The metadata document could not be fetched.');
  }
  if (res.status >= 300 && res.status < 400) { res.cancel(); throw new MetadataFetchError('The metadata document URL redirects; redirects are not followed.'); }
  if (res.status !== 200) { res.cancel(); throw new MetadataFetchError(`The metadata document URL answered HTTP ${res.status}.`); }
  const declared = Number(res.header('content-length') ?? NaN);
  if (declared > METADATA_MAX_BYTES) { res.cancel(); throw new MetadataFetchError(`The metadata document is larger than ${METADATA_MAX_BYTES} bytes.`); }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of res.body) {
      size += c.byteLength;
      if (size > METADATA_MAX_BYTES) { res.cancel(); throw new MetadataFetchError(`The metadata document is larger than ${METADATA_MAX_BYTES} bytes.`); }
      chunks.push(Buffer.from(c));
    }
  } catch (err) {
    if (err instanceof MetadataFetchError) throw err;
    if (signal.aborted) throw new MetadataFetchError(`The metadata document did not arrive within ${timeoutMs / 1000} s.`);
    throw new MetadataFetchError('The metadata document could not be read.');
  }
  let json: unknown;
  try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { throw new MetadataFetchError('The metadata document is not valid JSON.'); }
  return { json, cacheSeconds: cacheSeconds(res.header('cache-control')) };
}
