// Where a request came from (per-IP limits, audit events, "last used from") and its user agent.
//
// X-Forwarded-For is written by whoever sends the request, and Next only fills it in when it is
// absent, so its first hop is the client's choice. The rule (TRUSTED_PROXY_HOPS = n):
//   n > 0  the entry n from the RIGHT of X-Forwarded-For (each trusted proxy appends what it saw);
//          fewer entries than n → the leftmost one.
//   n = 0  X-Forwarded-For is ignored; the socket peer is the client. A route handler cannot see the
//          socket, so the node:http 'request' hook stamps it (stampClientAddress) into a private
//          header, HMAC-signed with a per-process key: a client-sent copy is overwritten, and if the
//          hook is missing a forged one still fails verification (→ null, never the client's word).
// Behind the front edge (lib/http/front-edge.ts, on by default with `npm start`) the app's socket peer
// is the edge on loopback; the edge sends the real one in EDGE_PEER_HEADER, HMAC-signed with a key
// only the two processes share (BMC_EDGE_KEY, read once and removed from the environment), and
// socketPeer() trusts that header only when it verifies — so "the socket peer" means the same thing
// with and without the edge, and a client cannot write it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';
import { getNetworkConfig } from '../config/network.ts';

export const PEER_HEADER = 'x-bmc-peer-ip';
/** The front edge's word for the client's socket peer: `<address> <hmac>`. */
export const EDGE_PEER_HEADER = 'x-bmc-edge-peer';
export const EDGE_KEY_ENV = 'BMC_EDGE_KEY';

const KEY = Symbol.for('bmc.peerStampKey');
type Holder = { [KEY]?: Buffer };

// On globalThis: the hook and the route handlers are different bundles of the same process.
function stampKey(): Buffer {
  const g = globalThis as Holder;
  return (g[KEY] ??= randomBytes(32));
}

function mac(ip: string): string {
  return createHmac('sha256', stampKey()).update('peer:' + ip).digest('base64url');
}

/** An address as found in a socket or a forwarding header → canonical form, or null if it is not one. */
function normaliseIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s); // [v6] or [v6]:port
  if (bracketed) s = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':')); // v4:port (some proxies)
  s = s.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
  return s.length <= 64 && isIP(s) ? s : null;
}

const EDGE_KEY = Symbol.for('bmc.edgePeerKey');
type EdgeHolder = { [EDGE_KEY]?: Buffer | null };

/** The key shared with the front edge (null when the app runs without one); read once, then removed from the environment. */
function edgeKey(): Buffer | null {
  const g = globalThis as EdgeHolder;
  if (g[EDGE_KEY] !== undefined) return g[EDGE_KEY];
  const raw = process.env[EDGE_KEY_ENV];
  delete process.env[EDGE_KEY_ENV];
  return (g[EDGE_KEY] = raw && raw.length >= 32 ? Buffer.from(raw) : null);
}

/** Whether this process runs behind the front edge (it was given the edge's key). */
export function behindFrontEdge(): boolean {
  return edgeKey() !== null;
}

function edgeMac(key: Buffer | string, ip: string): string {
  return createHmac('sha256', key).update('edge-peer:' + ip).digest('base64url');
}

/** For the front edge: the EDGE_PEER_HEADER value for a client socket address (`key` is BMC_EDGE_KEY). */
export function edgePeerStamp(key: string, remoteAddress: string | undefined): string | null {
  const ip = normaliseIp(remoteAddress);
  return ip ? `${ip} ${edgeMac(key, ip)}` : null;
}

function readEdgeStamp(value: string | string[] | undefined, key: Buffer): string | null {
  if (typeof value !== 'string') return null;
  const i = value.lastIndexOf(' ');
  if (i <= 0) return null;
  const ip = normaliseIp(value.slice(0, i));
  if (!ip) return null;
  const given = Buffer.from(value.slice(i + 1));
  const want = Buffer.from(edgeMac(key, ip));
  return given.length === want.length && timingSafeEqual(given, want) ? ip : null;
}

// Resolved once per request (the header is consumed on the first read); on the request object, since
// the hook and the fast path may be different bundles.
const RESOLVED_PEER = Symbol.for('bmc.socketPeer');

/**
 * The client's socket peer: the address the front edge vouches for (when this app runs behind it and the
 * header verifies), else the socket's own. The edge header is removed either way: nothing downstream
 * reads it, and a client-written copy must not travel further.
 */
export function socketPeer(req: http.IncomingMessage): string | null {
  const r = req as http.IncomingMessage & { [RESOLVED_PEER]?: string | null };
  if (r[RESOLVED_PEER] !== undefined) return r[RESOLVED_PEER];
  const vouched = req.headers[EDGE_PEER_HEADER];
  if (vouched !== undefined) delete req.headers[EDGE_PEER_HEADER];
  const key = edgeKey();
  const ip = (key && readEdgeStamp(vouched, key)) || normaliseIp(req.socket?.remoteAddress);
  return (r[RESOLVED_PEER] = ip);
}

/** The header value that vouches for `ip` as this process's socket peer (tests stamp with it too). */
export function peerStamp(ip: string): string {
  return `${ip} ${mac(ip)}`;
}

function readStamp(value: string | null | undefined): string | null {
  if (!value) return null;
  const i = value.lastIndexOf(' ');
  if (i <= 0) return null;
  const ip = normaliseIp(value.slice(0, i));
  if (!ip) return null;
  const given = Buffer.from(value.slice(i + 1));
  const want = Buffer.from(mac(ip));
  return given.length === want.length && timingSafeEqual(given, want) ? ip : null;
}

/**
 * For the node:http 'request' hook, on EVERY request before Next sees it: records the socket peer in
 * PEER_HEADER, replacing anything the client sent under that name.
 */
export function stampClientAddress(req: http.IncomingMessage): void {
  const ip = socketPeer(req);
  if (ip) req.headers[PEER_HEADER] = peerStamp(ip);
  else delete req.headers[PEER_HEADER];
}

function forwardedList(value: string | string[] | null | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined ? joined.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function fromRight(list: string[], hops: number): string | null {
  return normaliseIp(list[Math.max(0, list.length - hops)]);
}

/** The client address of a Web request (route handlers), by the rule above. */
export function clientIpFromHeaders(h: Headers, hops: number = getNetworkConfig().trustedProxyHops): string | null {
  if (hops > 0) {
    // Behind Next the header is always present (Next adds the socket peer when it is absent).
    const list = forwardedList(h.get('x-forwarded-for'));
    if (list.length) return fromRight(list, hops);
  }
  const ip = readStamp(h.get(PEER_HEADER));
  if (!ip && hops === 0) warnNoPeerOnce();
  return ip;
}

/** The client address of a node:http request (the fast path), by the same rule. */
export function clientIpFromNodeRequest(req: http.IncomingMessage, hops: number = getNetworkConfig().trustedProxyHops): string | null {
  const peer = socketPeer(req);
  if (hops === 0) return peer;
  // At this layer nothing has been added yet: the chain is what the proxies wrote, then the peer.
  const chain = [...forwardedList(req.headers['x-forwarded-for']), ...(peer ? [peer] : [])];
  return fromRight(chain, hops + 1);
}

/** Client address and user agent (truncated), for rate-limit keys and audit events. */
export function requestInfoFromHeaders(h: Headers, hops?: number): { ip: string | null; userAgent: string | null } {
  const ua = h.get('user-agent');
  return { ip: clientIpFromHeaders(h, hops), userAgent: ua ? ua.slice(0, 512) : null };
}

let warned = false;
function warnNoPeerOnce(): void {
  // In the server without the stamping hook every caller shares one "unknown" address for limits.
  if (warned || process.env.NODE_ENV !== 'production') return;
  warned = true;
  console.warn(`[request-info] no ${PEER_HEADER} stamp on a request and TRUSTED_PROXY_HOPS=0: client addresses are unknown ` +
    '(call stampClientAddress from the node:http request hook, or set TRUSTED_PROXY_HOPS behind a proxy)');
}
