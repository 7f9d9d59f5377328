// The little XML WebDAV needs: reading PROPFIND/LOCK request bodies safely and writing multistatus answers.
// Request bodies are tiny (a list of property names, a lock owner), so they are read whole under a small cap
// and scanned for element names; a DOCTYPE (the door to entity expansion: billion laughs, external entities)
// is refused outright, and nothing is ever expanded. We never need a general XML parser here.
import type { Readable } from 'node:stream';

export const MAX_DAV_BODY = 64 * 1024;

export class DavError extends Error {
  status: number;
  headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** Reads a request body of at most MAX_DAV_BODY bytes as UTF-8 text ('' when there is none). */
export async function readDavBody(stream: Readable | null, max = MAX_DAV_BODY): Promise<string> {
  if (!stream) return '';
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > max) throw new DavError(413, `Request body too large: WebDAV request bodies are limited to ${max} bytes`, { connection: 'close' });
    parts.push(chunk as Buffer);
  }
  const buf = Buffer.concat(parts);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new DavError(400, 'XML with a DOCTYPE or entity declarations is refused');
  return text;
}

export interface ElementName { ns: string; local: string }

/** Start tags in document order with their namespace resolved (prefix declarations anywhere in the body apply). */
function startTags(xml: string): ElementName[] {
  const body = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  const prefixes = new Map<string, string>();
  for (const m of body.matchAll(/xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*["']([^"']*)["']/g)) prefixes.set(m[1] ?? '', m[2]!);
  const out: ElementName[] = [];
  for (const m of body.matchAll(/<([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?[\s/>]/g)) {
    const [prefix, local] = m[2] === undefined ? ['', m[1]!] : [m[1]!, m[2]];
    out.push({ ns: prefixes.get(prefix) ?? '', local });
  }
  return out;
}

export type PropfindRequest = { kind: 'allprop' } | { kind: 'propname' } | { kind: 'prop'; props: ElementName[] };

/** An empty body means allprop (RFC 4918 §9.1). A body that is not a propfind is a 400. */
export function parsePropfind(xml: string): PropfindRequest {
  if (!xml.trim()) return { kind: 'allprop' };
  const tags = startTags(xml);
  if (!tags.length || tags[0]!.local !== 'propfind' || tags[0]!.ns !== 'DAV:') throw new DavError(400, 'PROPFIND body must be a DAV: propfind element');
  if (tags.some((t) => t.ns === 'DAV:' && t.local === 'propname')) return { kind: 'propname' };
  if (tags.some((t) => t.ns === 'DAV:' && t.local === 'allprop')) return { kind: 'allprop' };
  const i = tags.findIndex((t) => t.ns === 'DAV:' && t.local === 'prop');
  if (i === -1) throw new DavError(400, 'PROPFIND body names no properties');
  return { kind: 'prop', props: tags.slice(i + 1) };
}

export interface LockRequest { scope: 'exclusive' | 'shared'; owner: string | null }

/** LOCK body: lockscope and owner. An empty body is a refresh (null). */
export function parseLockBody(xml: string): LockRequest | null {
  if (!xml.trim()) return null;
  const tags = startTags(xml);
  if (!tags.length || tags[0]!.local !== 'lockinfo') throw new DavError(400, 'LOCK body must be a DAV: lockinfo element');
  const scope = tags.some((t) => t.local === 'shared') ? 'shared' : 'exclusive';
  // The owner is echoed back: keep its text only (an href or free text), never raw markup.
  const m = /<(?:[\w.-]+:)?owner[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?owner>/.exec(xml);
  const owner = m ? m[1]!.replace(/<[^>]*>/g, '').trim().slice(0, 512) : null;
  return { scope, owner: owner || null };
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Percent-encodes each segment of a path for an href (the slashes stay). */
export function hrefOf(segments: string[], collection: boolean): string {
  const p = '/' + segments.map((s) => encodeURIComponent(s)).join('/');
  return collection && !p.endsWith('/') ? p + '/' : p;
}

export interface DavResource {
  href: string;
  name: string;
  collection: boolean;
  size?: number;
  mtime: Date;
  ctime?: Date;
  /** MD5 hex (files only) */
  md5?: string;
  contentType?: string;
}

const LIVE_PROPS = ['displayname', 'resourcetype', 'getcontentlength', 'getetag', 'getlastmodified', 'getcontenttype', 'creationdate',
  'supportedlock', 'lockdiscovery'] as const;

function propValue(r: DavResource, local: string): string | null {
  switch (local) {
    case 'displayname': return `<D:displayname>${xmlEscape(r.name)}</D:displayname>`;
    case 'resourcetype': return r.collection ? '<D:resourcetype><D:collection/></D:resourcetype>' : '<D:resourcetype/>';
    case 'getcontentlength': return r.collection ? null : `<D:getcontentlength>${r.size ?? 0}</D:getcontentlength>`;
    case 'getetag': return r.md5 ? `<D:getetag>"${r.md5}"</D:getetag>` : null;
    case 'getlastmodified': return `<D:getlastmodified>${r.mtime.toUTCString()}</D:getlastmodified>`;
    case 'getcontenttype': return r.collection ? null : `<D:getcontenttype>${xmlEscape(r.contentType ?? 'application/octet-stream')}</D:getcontenttype>`;
    case 'creationdate': return `<D:creationdate>${(r.ctime ?? r.mtime).toISOString()}</D:creationdate>`;
    case 'supportedlock': return '<D:supportedlock><D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>'
      + '<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry></D:supportedlock>';
    case 'lockdiscovery': return '<D:lockdiscovery/>';
    default: return null;
  }
}

/** ownCloud's checksum property: rclone's owncloud vendor reads MD5 from it (so `rclone check` compares content). */
const OC_NS = 'http://owncloud.org/ns';
function ocValue(r: DavResource, local: string): string | null {
  if (local === 'checksums' && r.md5) return `<oc:checksums xmlns:oc="${OC_NS}"><oc:checksum>MD5:${r.md5}</oc:checksum></oc:checksums>`;
  return null;
}

function responseXml(r: DavResource, req: PropfindRequest): string {
  const found: string[] = [];
  const missing: string[] = [];
  if (req.kind === 'propname') {
    for (const p of LIVE_PROPS) if (propValue(r, p) !== null) found.push(`<D:${p}/>`);
  } else if (req.kind === 'allprop') {
    for (const p of LIVE_PROPS) { const v = propValue(r, p); if (v !== null) found.push(v); }
  } else {
    let i = 0;
    for (const p of req.props) {
      const v = p.ns === 'DAV:' ? propValue(r, p.local) : p.ns === OC_NS ? ocValue(r, p.local) : null;
      if (v !== null) found.push(v);
      else if (p.ns === 'DAV:') missing.push(`<D:${p.local}/>`);
      else { missing.push(p.ns ? `<x${i}:${p.local} xmlns:x${i}="${xmlEscape(p.ns)}"/>` : `<${p.local} xmlns=""/>`); i++; }
    }
  }
  let out = `<D:response><D:href>${xmlEscape(r.href)}</D:href>`;
  if (found.length || !missing.length) out += `<D:propstat><D:prop>${found.join('')}</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>`;
  if (missing.length) out += `<D:propstat><D:prop>${missing.join('')}</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>`;
  return out + '</D:response>';
}

export const MULTISTATUS_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">';
export const MULTISTATUS_TAIL = '</D:multistatus>\n';

export function multistatusEntry(r: DavResource, req: PropfindRequest): string {
  return responseXml(r, req);
}

export function lockDiscoveryXml(lock: { token: string; scope: 'exclusive' | 'shared'; depth: '0' | 'infinity'; owner: string | null; timeoutSeconds: number; rootHref: string }): string {
  return '<?xml version="1.0" encoding="utf-8"?>\n<D:prop xmlns:D="DAV:"><D:lockdiscovery><D:activelock>'
    + `<D:locktype><D:write/></D:locktype><D:lockscope><D:${lock.scope}/></D:lockscope><D:depth>${lock.depth}</D:depth>`
    + (lock.owner ? `<D:owner>${xmlEscape(lock.owner)}</D:owner>` : '')
    + `<D:timeout>Second-${lock.timeoutSeconds}</D:timeout><D:locktoken><D:href>${xmlEscape(lock.token)}</D:href></D:locktoken>`
    + `<D:lockroot><D:href>${xmlEscape(lock.rootHref)}</D:href></D:lockroot></D:activelock></D:lockdiscovery></D:prop>\n`;
}
