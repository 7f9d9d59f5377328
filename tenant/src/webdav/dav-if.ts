// The WebDAV `If` header (RFC 4918 §10.4): lists of conditions on state tokens (lock tokens) and entity tags,
// optionally tagged with the resource they are about. The request goes ahead only when at least one list is
// true (every condition in it holds); otherwise it is a 412. Every state token named anywhere in the header
// counts as submitted for the lock check that follows, whatever the list evaluated to.
import { DavError } from './dav-error.ts';

interface IfCondition { not: boolean; kind: 'token' | 'etag'; value: string }
export interface IfList { resource: string | null; conditions: IfCondition[] }

const bad = () => new DavError(400, 'The If header is malformed (RFC 4918 §10.4)');

export function parseIfHeader(h: string): IfList[] {
  const lists: IfList[] = [];
  let i = 0;
  let tag: string | null = null;
  let sawTagged = false, sawUntagged = false;
  const ws = () => { while (i < h.length && /\s/.test(h[i]!)) i++; };
  for (;;) {
    ws();
    if (i >= h.length) break;
    if (h[i] === '<') {
      const end = h.indexOf('>', i);
      if (end < 0) throw bad();
      tag = h.slice(i + 1, end);
      sawTagged = true;
      i = end + 1;
      continue;
    }
    if (h[i] !== '(') throw bad();
    if (tag === null) sawUntagged = true;
    i++;
    const conditions: IfCondition[] = [];
    for (;;) {
      ws();
      if (h[i] === ')') { i++; break; }
      let not = false;
      if (/^not[\s<[]/i.test(h.slice(i, i + 4))) { not = true; i += 3; ws(); }
      if (h[i] === '<') {
        const end = h.indexOf('>', i);
        if (end < 0) throw bad();
        conditions.push({ not, kind: 'token', value: h.slice(i + 1, end) });
        i = end + 1;
      } else if (h[i] === '[') {
        const end = h.indexOf(']', i);
        if (end < 0) throw bad();
        conditions.push({ not, kind: 'etag', value: h.slice(i + 1, end).trim().replace(/^W\//, '') });
        i = end + 1;
      } else throw bad();
    }
    if (!conditions.length) throw bad();
    lists.push({ resource: tag, conditions });
  }
  if (!lists.length || (sawTagged && sawUntagged)) throw bad();
  return lists;
}

/** What a condition is checked against: the resource's current ETag (quoted) and the lock tokens that apply to it. */
export interface IfState { etag: string | null; tokens: Set<string> }

/** True when some list holds. `stateOf` answers for a tagged resource (null resource = the request's own). */
export function ifHolds(lists: IfList[], stateOf: (resource: string | null) => IfState): boolean {
  return lists.some((l) => {
    const st = stateOf(l.resource);
    return l.conditions.every((c) => {
      const hit = c.kind === 'token' ? st.tokens.has(c.value) : st.etag !== null && st.etag === c.value;
      return c.not ? !hit : hit;
    });
  });
}
