// User content never runs on our origin. Every answer of the tenant proxy (/proxy/*: the notes API, v1/v2
// resources, WebDAV, archives; route handler, Bearer fast path and WebDAV edge alike) passes through
// `secureUserContent`, so no path that returns a user's file bytes can skip it:
//   - `Content-Security-Policy: sandbox …` (no allow-scripts, no same-origin): whatever a browser makes a
//     document of runs no script and has an opaque origin, so it reads no cookie and calls no API as the person;
//   - `X-Content-Type-Options: nosniff`: the declared type is the only type (no HTML sniffed out of bytes);
//   - only types that are inert in a browser are answered inline (images other than SVG, audio, video, plain
//     text, markdown, CSV, JSON); everything else is `Content-Disposition: attachment`, so navigating to it
//     downloads it instead of opening it;
//   - types a browser executes or renders as a document (HTML, XHTML, XML and its dialects, XSLT, JavaScript,
//     CSS) are relabelled `text/plain`: even a subresource load (`<script src>`, `<link rel=stylesheet>`,
//     `<object>`) cannot treat them as code. SVG keeps `image/svg+xml` (an `<img>` preview needs it, and an
//     SVG in `<img>` never runs script); PDF keeps its type but is an attachment (viewers run PDF scripts and
//     forms, and a sandboxed PDF would not display anyway).
// Only the methods a browser can navigate or submit with (GET, HEAD, POST) have their type changed: WebDAV's
// PROPFIND/LOCK answers are the tenant's own XML, which WebDAV clients need labelled as XML.
import type http from 'node:http';

/** The policy on every user-content answer: a sandboxed, script-less, opaque-origin document at most. */
export const USER_CONTENT_CSP = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const INLINE_EXACT = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/x-icon', 'image/vnd.microsoft.icon',
  'text/plain', 'text/markdown', 'text/x-markdown', 'text/csv', 'application/json', 'application/x-ndjson',
]);
const INLINE_PREFIXES = ['audio/', 'video/'];

/** Types that a browser would run or render as an active document: relabelled text/plain. */
const ACTIVE_EXACT = new Set([
  'text/html', 'application/xhtml+xml', 'text/xml', 'application/xml', 'text/xsl', 'application/xslt+xml',
  'text/javascript', 'application/javascript', 'application/x-javascript', 'application/ecmascript', 'text/ecmascript',
  'text/jscript', 'application/wasm', 'text/css', 'text/vtt', 'multipart/x-mixed-replace', 'text/x-component',
]);

/** The media type without parameters, lower case ('' when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a type is shown inline (inert in every browser context). */
function isInlineSafe(type: string): boolean {
  return INLINE_EXACT.has(type) || INLINE_PREFIXES.some((p) => type.startsWith(p)) || (type.endsWith('+json') && type.startsWith('application/'));
}

/** Whether a type would run as code or as an active document if a browser took it at its word. */
export function isActiveType(type: string): boolean {
  if (ACTIVE_EXACT.has(type)) return true;
  // Any XML dialect (RSS, Atom, MathML, RDF…) can carry XHTML and script; SVG is kept for `<img>`.
  return type.endsWith('+xml') && type !== 'image/svg+xml';
}

const NAVIGABLE = new Set(['GET', 'HEAD', 'POST']);

/** The file name a download should get: the tenant's, else the last segment of the request path. */
function attachmentDisposition(existing: string | undefined, requestPath: string): string {
  if (existing && /filename\*?=/i.test(existing)) return existing.replace(/^\s*(inline|attachment)?\s*;?\s*/i, 'attachment; ');
  let name = requestPath.split('?')[0]!.split('/').filter(Boolean).pop() ?? 'download';
  try { name = decodeURIComponent(name); } catch { /* keep as received */ }
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_') || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Makes a tenant answer safe to hand to a browser on the app's origin (mutates and returns `headers`).
 * `requestPath` is the tenant path asked for (the download's file name comes from it).
 */
export function secureUserContent(headers: http.OutgoingHttpHeaders, method: string, status: number, requestPath: string): http.OutgoingHttpHeaders {
  headers['x-content-type-options'] = 'nosniff';
  headers['content-security-policy'] = USER_CONTENT_CSP;
  if (!NAVIGABLE.has(method.toUpperCase()) || status === 204 || status === 304) return headers;
  const declared = headers['content-type'] === undefined ? undefined : String(headers['content-type']);
  // Untyped bytes would be sniffed on navigation (nosniff does not cover documents): they are a download.
  if (declared === undefined) headers['content-type'] = 'application/octet-stream';
  const type = mediaType(declared ?? 'application/octet-stream');
  // Inert types stay inline (a tenant's own `inline` is fine).
  if (isInlineSafe(type)) return headers;
  if (isActiveType(type)) {
    const charset = /;\s*charset=([^;]+)/i.exec(declared ?? '')?.[1]?.trim();
    headers['content-type'] = charset ? `text/plain; charset=${charset}` : 'text/plain';
  }
  const existing = headers['content-disposition'] === undefined ? undefined : String(headers['content-disposition']);
  headers['content-disposition'] = attachmentDisposition(existing, requestPath);
  return headers;
}
