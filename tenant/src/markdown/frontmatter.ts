// YAML frontmatter (contract §5.1). Malformed YAML → warning, the whole file is body, metadata empty.
import { yaml } from './yaml-lazy.ts';

export interface Frontmatter { data: Record<string, unknown>; body: string; hasFrontmatter: boolean; warning?: string }

const MAX_FRONTMATTER = 256 * 1024;

export function splitFrontmatter(text: string): Frontmatter {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (!text.startsWith('---', start) || !/^---[ \t]*\r?\n/.test(text.slice(start, start + 8))) return { data: {}, body: text, hasFrontmatter: false };
  const openEnd = text.indexOf('\n', start) + 1;
  // closing fence: a line that is exactly '---' (or '...')
  const re = /^(?:---|\.\.\.)[ \t]*$/gm;
  re.lastIndex = openEnd;
  let m: RegExpExecArray | null;
  let close = -1, closeEnd = -1;
  while ((m = re.exec(text)) !== null) {
    if (m.index >= openEnd) { close = m.index; closeEnd = m.index + m[0].length; break; }
  }
  if (close < 0) return { data: {}, body: text, hasFrontmatter: false, warning: 'frontmatter has no closing ---' };
  const yamlText = text.slice(openEnd, close);
  let body = text.slice(closeEnd);
  body = body.replace(/^\r?\n/, '');
  if (yamlText.length > MAX_FRONTMATTER) return { data: {}, body: text, hasFrontmatter: false, warning: 'frontmatter larger than 256 KiB, ignored' };
  const simple = parseSimpleYaml(yamlText);
  if (simple) return { data: simple, body, hasFrontmatter: true };
  try {
    const parsed = yaml().parse(yamlText, { maxAliasCount: 100, uniqueKeys: false, prettyErrors: false });
    if (parsed === null || parsed === undefined) return { data: {}, body, hasFrontmatter: true };
    if (typeof parsed !== 'object' || Array.isArray(parsed)) return { data: {}, body: text, hasFrontmatter: false, warning: 'frontmatter is not a mapping' };
    return { data: normalizeValues(parsed as Record<string, unknown>) as Record<string, unknown>, body, hasFrontmatter: true };
  } catch (e) {
    return { data: {}, body: text, hasFrontmatter: false, warning: `malformed YAML frontmatter: ${(e as Error).message.split('\n')[0]}` };
  }
}

// JSON-safe values: dates → ISO strings, everything else kept as its JSON type (upstream stringifies; we keep types).
function normalizeValues(v: unknown, depth = 0): unknown {
  if (depth > 32) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map((x) => normalizeValues(x, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normalizeValues(x, depth + 1);
    return out;
  }
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export function parseTags(v: unknown): string[] {
  let items: unknown[] = [];
  if (Array.isArray(v)) items = v;
  else if (typeof v === 'string') {
    const s = v.trim();
    if (s.startsWith('[') && s.endsWith(']')) {
      try { const j = JSON.parse(s); if (Array.isArray(j)) items = j; } catch { items = s.slice(1, -1).split(','); }
    } else items = s.split(',');
  }
  const out: string[] = [];
  for (const it of items) {
    if (it === null || it === undefined) continue;
    const t = String(it).trim().replace(/^#+/, '').trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

// Fast path for the frontmatter almost every note has (`key: plain text` and `key:` + `- item` lists), ~20× faster
// than the full YAML parser. Anything it is not sure about (quotes, flow collections, numbers, booleans, anchors,
// comments, nesting) returns null and goes to the real parser, so results never differ.
const KEY = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$/;
const ITEM = /^([ \t]*)-[ \t]+(.*)$/;
const SAFE_PLAIN = /^[^\s\-?:,\[\]{}#&*!|>'"%@`~0-9+.][^#]*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|null|y|n)$/i;
function plain(v: string): string | null {
  const t = v.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.endsWith('"') && !/["\\]/.test(t.slice(1, -1))) || (t[0] === "'" && t.endsWith("'") && !t.slice(1, -1).includes("'")))) return t.slice(1, -1);
  if (!t || !SAFE_PLAIN.test(t) || RESERVED.test(t) || t.includes(': ') || t.endsWith(':')) return null;
  return t;
}
function parseSimpleYaml(text: string): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let list: string[] | null = null;
  let indent: string | null = null;
  const blocks: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.trim()) continue;
    const item = list ? ITEM.exec(line) : null;
    if (item) {
      if (indent === null) indent = item[1]!; else if (indent !== item[1]) return null;
      const v = plain(item[2]!);
      if (v === null) return null;
      list!.push(v);
      continue;
    }
    const m = KEY.exec(line);
    if (!m || m[1]! in out) return null;
    if (m[2] === undefined || m[2].trim() === '') { list = []; indent = null; out[m[1]!] = list; blocks.push(m[1]!); continue; }
    list = null;
    if (m[2].trim() === '[]') { out[m[1]!] = []; continue; }
    const v = plain(m[2]);
    if (v === null) return null;
    out[m[1]!] = v;
  }
  // `key:` with nothing under it is null in YAML, not an empty list
  for (const k of blocks) if ((out[k] as string[]).length === 0) out[k] = null;
  return out;
}
