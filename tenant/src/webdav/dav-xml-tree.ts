// A strict, namespace-aware read of WebDAV request bodies into a small element tree (saxes: pure JS, no
// entity expansion, no network), and the reverse: writing an element back as a self-contained fragment that
// declares every namespace it uses. Dead property values are stored in that form, so they come back out of
// PROPFIND with the same names, namespaces and text the client set, whatever prefixes it chose.
import { SaxesParser } from 'saxes';
import { DavError } from './dav-error.ts';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface XmlElement {
  ns: string;
  local: string;
  /** Attributes other than namespace declarations. */
  attrs: { ns: string; local: string; value: string }[];
  children: (XmlElement | string)[];
  /** xml:lang in scope (inherited), carried with dead properties. */
  lang: string | null;
}

/** Parses a whole document; malformed XML (including an empty-namespace prefix) is a 400. */
export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let failure: Error | null = null;
  parser.on('error', (e) => { failure ??= e; });
  parser.on('doctype', () => { failure ??= new Error('DOCTYPE is refused'); });
  parser.on('opentag', (tag) => {
    const attrs: XmlElement['attrs'] = [];
    let lang: string | null = stack.length ? stack[stack.length - 1]!.lang : null;
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) {
        if (a.prefix === 'xmlns' && a.value === '') failure ??= new Error(`namespace prefix '${a.local}' is bound to an empty name`);
        continue;
      }
      if (a.uri === XML_NS && a.local === 'lang') lang = a.value;
      attrs.push({ ns: a.uri, local: a.local, value: a.value });
    }
    const el: XmlElement = { ns: tag.uri ?? '', local: tag.local ?? tag.name, attrs, children: [], lang };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => { stack.pop(); });
  parser.on('text', (t) => { if (stack.length) stack[stack.length - 1]!.children.push(t); });
  parser.on('cdata', (t) => { if (stack.length) stack[stack.length - 1]!.children.push(t); });
  try { parser.write(text).close(); } catch (e) { failure ??= e as Error; }
  if (failure || !root) throw new DavError(400, `The request body is not well-formed XML: ${failure ? (failure as Error).message.split('\n')[0] : 'no element'}`);
  return root;
}

export const elements = (el: XmlElement): XmlElement[] => el.children.filter((c): c is XmlElement => typeof c !== 'string');
export const isDav = (el: XmlElement, local: string) => el.ns === 'DAV:' && el.local === local;

/** Writes `el` as a fragment that declares its own namespaces (prefixes p0, p1, … by depth; never a default namespace). */
export function serializeElement(el: XmlElement): string {
  const scope = new Map<string, string>(); // ns → prefix
  let n = 0;
  function name(ns: string, decls: string[], local: string): string {
    if (!ns) return local;
    if (ns === XML_NS) return `xml:${local}`; // bound by definition; declaring it is an error
    let p = scope.get(ns);
    if (!p) {
      p = `p${n++}`;
      scope.set(ns, p);
      decls.push(` xmlns:${p}="${xmlEscape(ns)}"`);
    }
    return `${p}:${local}`;
  }
  function walk(e: XmlElement, parentLang: string | null): string {
    const before = new Map(scope);
    const decls: string[] = [];
    const tag = name(e.ns, decls, e.local);
    const attrs = e.attrs.filter((a) => !(a.ns === XML_NS && a.local === 'lang'))
      .map((a) => ` ${a.ns ? name(a.ns, decls, a.local) : a.local}="${xmlEscape(a.value)}"`);
    if (e.lang !== null && e.lang !== parentLang) attrs.push(` xml:lang="${xmlEscape(e.lang)}"`);
    const inner = e.children.map((c) => (typeof c === 'string' ? xmlEscape(c) : walk(c, e.lang))).join('');
    scope.clear();
    for (const [k, v] of before) scope.set(k, v);
    return inner ? `<${tag}${decls.join('')}${attrs.join('')}>${inner}</${tag}>` : `<${tag}${decls.join('')}${attrs.join('')}/>`;
  }
  return walk(el, null);
}

/** An empty element for a property name (for propname answers and failed propstats). */
export function emptyElement(ns: string, local: string): string {
  return ns ? `<p0:${local} xmlns:p0="${xmlEscape(ns)}"/>` : `<${local}/>`;
}

/** Text or an attribute value escaped for XML (the five predefined entities). */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
