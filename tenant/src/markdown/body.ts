// Observations and relations from the note body (contract §5.2, §5.3), line-based.
// Differences from upstream v0.16 (deliberate): only list items can be observations or explicit relations
// (upstream also turned any paragraph containing '#' into an observation); implicit links are typed
// `links_to` (upstream later renamed "links to" to this); fenced code blocks are skipped.

export interface Observation { category: string | null; content: string; tags: string[]; context: string | null }
export interface Relation { relation_type: string; target: string; context: string | null }
export interface ParsedBody { observations: Observation[]; relations: Relation[]; warnings: string[] }

const MAX_STRUCT_LINE = 64 * 1024; // longer lines stay searchable but are not parsed for structure
const MAX_ITEMS = 5000;
const LIST_ITEM = /^\s{0,12}(?:[-*+]|\d{1,9}[.)])\s+(.*)$/;
const CATEGORY = /^\[([^\[\]()]+)\]\s+(.+)$/;
const TASK = /^\[[ xX-]\]/;
const MD_LINK_ONLY = /^\[[^\]]*\]\([^)]*\)$/;

export function parseBody(body: string): ParsedBody {
  const observations: Observation[] = [];
  const relations: Relation[] = [];
  const warnings: string[] = [];
  const seenRel = new Set<string>();
  const listItem = (item: string): void => {
    if (TASK.test(item) || MD_LINK_ONLY.test(item)) { inlineLinks(item, addRel); return; }
    const cat = CATEGORY.exec(item);
    if (cat && observations.length < MAX_ITEMS) {
      observations.push(observation(cat[1]!.trim() || null, cat[2]!));
      inlineLinks(item, addRel);
      return;
    }
    const open = item.indexOf('[[');
    const close = open >= 0 ? item.indexOf(']]', open + 2) : -1;
    if (open >= 0 && close > open) {
      const type = item.slice(0, open).trim() || 'relates_to';
      const target = cleanTarget(item.slice(open + 2, close));
      const rest = item.slice(close + 2).trim();
      const ctx = /^\((.*)\)$/.exec(rest);
      addRel({ relation_type: type, target, context: ctx ? ctx[1]!.trim() || null : null });
      inlineLinks(item.slice(close + 2), addRel);
      return;
    }
    if (/(?:^|\s)#[^\s#]/.test(item) && observations.length < MAX_ITEMS) { observations.push(observation(null, item)); return; }
    inlineLinks(item, addRel);
  };
  const addRel = (r: Relation) => {
    if (relations.length >= MAX_ITEMS || !r.target) return;
    const key = `${r.relation_type}\u0000${r.target}`;
    if (seenRel.has(key)) return;
    seenRel.add(key);
    relations.push(r);
  };
  let fence: string | null = null;
  let longLines = 0;
  let pos = 0;
  let nextLink = -2; // position of the next '[[' at or after the current line; -1: none left
  const n = body.length;
  while (pos <= n) {
    let end = body.indexOf('\n', pos);
    if (end < 0) end = n;
    if (end - pos > MAX_STRUCT_LINE) { longLines++; pos = end + 1; continue; }
    // look at the first non-blank character before slicing anything: most lines are prose
    let k = pos;
    while (k < end && (body.charCodeAt(k) === 32 || body.charCodeAt(k) === 9)) k++;
    const ch = body.charCodeAt(k);
    const lineStart = pos;
    pos = end + 1;
    if (ch === 96 /* ` */ || ch === 126 /* ~ */) {
      const fm = /^\s{0,3}(`{3,}|~{3,})/.exec(body.slice(lineStart, end));
      if (fm) {
        if (fence === null) fence = fm[1]![0]!.repeat(3);
        else if (fm[1]!.startsWith(fence)) fence = null;
        continue;
      }
    }
    if (fence !== null) continue;
    if (ch === 45 /* - */ || ch === 42 /* * */ || ch === 43 /* + */ || (ch >= 48 && ch <= 57)) {
      let line = body.slice(lineStart, end);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const li = LIST_ITEM.exec(line);
      if (li) { listItem(li[1]!.trim()); continue; }
    }
    // The next '[[' of the whole body, searched again only once we are past it: one pass over the text
    // (searching from every line start re-scanned the rest of the body: quadratic on big notes without links).
    if (nextLink !== -1 && nextLink < k) nextLink = body.indexOf('[[', k);
    if (nextLink >= 0 && nextLink < end) inlineLinks(body.slice(nextLink, end), addRel);
  }
  if (longLines) warnings.push(`${longLines} line(s) longer than ${MAX_STRUCT_LINE} characters not parsed for observations/relations`);
  return { observations, relations, warnings };
}

function observation(category: string | null, raw: string): Observation {
  let content = raw.trim();
  let context: string | null = null;
  if (content.endsWith(')')) {
    const open = content.lastIndexOf('(');
    if (open > 0) {
      context = content.slice(open + 1, -1).trim() || null;
      content = content.slice(0, open).trim();
    }
  }
  const tags: string[] = [];
  if (content.includes('#')) {
    for (const word of content.split(/\s+/)) {
      if (!word.startsWith('#')) continue;
      for (const t of word.split('#')) {
        const tag = t.replace(/[.,;:!?]+$/, '');
        if (tag && !tags.includes(tag)) tags.push(tag);
      }
    }
  }
  return { category, content, tags, context };
}

function cleanTarget(t: string): string {
  const bar = t.indexOf('|');
  return (bar >= 0 ? t.slice(0, bar) : t).trim();
}

/** Every [[link]] in the text → links_to. Linear scan (safe on huge lines). */
function inlineLinks(text: string, add: (r: Relation) => void): void {
  let i = 0;
  for (;;) {
    const open = text.indexOf('[[', i);
    if (open < 0) return;
    const close = text.indexOf(']]', open + 2);
    if (close < 0) return;
    const target = cleanTarget(text.slice(open + 2, close));
    if (target && !target.includes('[[')) add({ relation_type: 'links_to', target, context: null });
    i = close + 2;
  }
}
