// The little XML WebDAV needs: reading PROPFIND/LOCK request bodies safely and writing multistatus answers.
// Request bodies are tiny (a list of property names, a lock owner), so they are read whole under a small cap
// and scanned for element names; a DOCTYPE (the door to entity expansion: billion laughs, external entities)
// is refused outright, and nothing is ever expanded. We never need a general XML parser here.
import type { Readable } from 'node:stream';
import { DavError } from './dav-error.ts';
import { elements, emptyElement, isDav, parseXml, xmlEscape, type XmlElement } from './dav-xml-tree.ts';

const MAX_DAV_BODY = 64 * 1024;

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

interface ElementName { ns: string; local: string }

export type PropfindRequest = { kind: 'allprop' } | { kind: 'propname' } | { kind: 'prop'; props: ElementName[] };

/** An empty body means allprop (RFC 4918 §9.1). A body that is not a well-formed DAV: propfind is a 400. */
export function parsePropfind(xml: string): PropfindRequest {
  if (!xml.trim()) return { kind: 'allprop' };
  const root = parseXml(xml);
  if (!isDav(root, 'propfind')) throw new DavError(400, 'PROPFIND body must be a DAV: propfind element');
  const kids = elements(root);
  if (kids.some((k) => isDav(k, 'propname'))) return { kind: 'propname' };
  if (kids.some((k) => isDav(k, 'allprop'))) return { kind: 'allprop' };
  const prop = kids.find((k) => isDav(k, 'prop'));
  if (!prop) throw new DavError(400, 'PROPFIND body names no properties');
  return { kind: 'prop', props: elements(prop).map((e) => ({ ns: e.ns, local: e.local })) };
}

export type PropertyUpdate = { op: 'set'; el: XmlElement } | { op: 'remove'; el: XmlElement };

/** PROPPATCH body: the set and remove instructions in document order (RFC 4918 §9.2). */
export function parsePropertyUpdate(xml: string): PropertyUpdate[] {
  const root = parseXml(xml);
  if (!isDav(root, 'propertyupdate')) throw new DavError(400, 'PROPPATCH body must be a DAV: propertyupdate element');
  const out: PropertyUpdate[] = [];
  for (const step of elements(root)) {
    const op = isDav(step, 'set') ? 'set' : isDav(step, 'remove') ? 'remove' : null;
    if (!op) continue;
    for (const prop of elements(step).filter((e) => isDav(e, 'prop'))) for (const el of elements(prop)) out.push({ op, el });
  }
  if (!out.length) throw new DavError(400, 'PROPPATCH body names no properties');
  return out;
}

export interface LockRequest { scope: 'exclusive' | 'shared'; owner: string | null }

/** LOCK body: lockscope and owner. An empty body is a refresh (null). */
export function parseLockBody(xml: string): LockRequest | null {
  if (!xml.trim()) return null;
  const root = parseXml(xml);
  if (!isDav(root, 'lockinfo')) throw new DavError(400, 'LOCK body must be a DAV: lockinfo element');
  const kids = elements(root);
  const scopeEl = kids.find((k) => isDav(k, 'lockscope'));
  const scope = scopeEl && elements(scopeEl).some((k) => isDav(k, 'shared')) ? 'shared' : 'exclusive';
  const typeEl = kids.find((k) => isDav(k, 'locktype'));
  if (typeEl && !elements(typeEl).some((k) => isDav(k, 'write'))) throw new DavError(422, 'Only write locks are supported');
  // The owner is echoed back: keep its text only (an href or free text), never raw markup.
  const ownerEl = kids.find((k) => isDav(k, 'owner'));
  const text = (e: XmlElement): string => e.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
  const owner = ownerEl ? text(ownerEl).trim().slice(0, 512) : null;
  return { scope, owner: owner || null };
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
  /** Dead properties set with PROPPATCH (self-contained XML fragments). */
  dead?: { ns: string; name: string; xml: string }[];
  /** The locks that apply to this resource (its own and depth-infinity locks above it). */
  locks?: ActiveLock[];
}

export interface ActiveLock { token: string; scope: 'exclusive' | 'shared'; depth: '0' | 'infinity'; owner: string | null; timeoutSeconds: number; rootHref: string }

export const LIVE_PROPS = ['displayname', 'resourcetype', 'getcontentlength', 'getetag', 'getlastmodified', 'getcontenttype', 'creationdate',
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
    case 'lockdiscovery': return `<D:lockdiscovery>${(r.locks ?? []).map(activeLockXml).join('')}</D:lockdiscovery>`;
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
  const dead = r.dead ?? [];
  if (req.kind === 'propname') {
    for (const p of LIVE_PROPS) if (propValue(r, p) !== null) found.push(`<D:${p}/>`);
    for (const d of dead) found.push(emptyElement(d.ns, d.name));
  } else if (req.kind === 'allprop') {
    for (const p of LIVE_PROPS) { const v = propValue(r, p); if (v !== null) found.push(v); }
    for (const d of dead) found.push(d.xml);
  } else {
    for (const p of req.props) {
      const v = p.ns === 'DAV:' ? propValue(r, p.local) : p.ns === OC_NS ? ocValue(r, p.local) : null;
      const d = v === null ? dead.find((x) => x.ns === p.ns && x.name === p.local) : undefined;
      if (v !== null) found.push(v);
      else if (d) found.push(d.xml);
      else missing.push(p.ns === 'DAV:' ? `<D:${p.local}/>` : emptyElement(p.ns, p.local));
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

function activeLockXml(lock: ActiveLock): string {
  return '<D:activelock>'
    + `<D:locktype><D:write/></D:locktype><D:lockscope><D:${lock.scope}/></D:lockscope><D:depth>${lock.depth === '0' ? '0' : 'infinity'}</D:depth>`
    + (lock.owner ? `<D:owner>${xmlEscape(lock.owner)}</D:owner>` : '')
    + `<D:timeout>Second-${lock.timeoutSeconds}</D:timeout><D:locktoken><D:href>${xmlEscape(lock.token)}</D:href></D:locktoken>`
    + `<D:lockroot><D:href>${xmlEscape(lock.rootHref)}</D:href></D:lockroot></D:activelock>`;
}

/** The body of a LOCK answer: the lock just taken or refreshed. */
export function lockDiscoveryXml(lock: ActiveLock): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<D:prop xmlns:D="DAV:"><D:lockdiscovery>${activeLockXml(lock)}</D:lockdiscovery></D:prop>\n`;
}
