// Upstream edit_note operations on a note's text (v0.16 append/prepend/find_replace/replace_section, v0.19+
// insert_before_section/insert_after_section). Pure string functions; a refusal is an EditRefused with
// upstream's wording, and the caller writes nothing.
import { BadRequestError } from '../engine-types.ts';
import { splitFrontmatter } from '../markdown/frontmatter.ts';

export const EDIT_OPERATIONS = ['append', 'prepend', 'find_replace', 'replace_section', 'insert_before_section', 'insert_after_section'] as const;
type EditOperation = (typeof EDIT_OPERATIONS)[number];

export class EditRefused extends BadRequestError { override name = 'EditRefused'; }

export interface EditInput { operation: EditOperation; content: string; section?: string | null; find_text?: string | null; expected_replacements?: number }

function normalizeHeader(section: string): string {
  const s = section.trim();
  return s.startsWith('#') ? s : `## ${s}`;
}

function headerLines(lines: string[], header: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i]!.trim() === header) out.push(i);
  return out;
}

function countOccurrences(text: string, find: string): number {
  let n = 0;
  for (let i = text.indexOf(find); i !== -1; i = text.indexOf(find, i + find.length)) n++;
  return n;
}

function prepend(current: string, content: string): string {
  const fm = splitFrontmatter(current);
  const glue = (a: string, b: string) => (a && !a.endsWith('\n') ? `${a}\n${b}` : a + b);
  if (!fm.hasFrontmatter) return glue(content, current);
  // Keep the frontmatter block byte for byte; the body starts after one blank line, as upstream writes it.
  const head = current.slice(0, current.length - fm.body.length);
  return `${head.endsWith('\n') ? head : `${head}\n`}\n${glue(content, fm.body.replace(/^(?:\r?\n)+/, ''))}`;
}

function replaceSection(current: string, section: string, content: string): string {
  const header = normalizeHeader(section);
  const bodyLines = content.replace(/^\s+/, '').split('\n');
  // Clients sometimes repeat the header in the content: drop it so it is not doubled.
  const newContent = bodyLines[0]?.trim() === header ? bodyLines.slice(1).join('\n').replace(/^\s+/, '') : content;
  const lines = current.split('\n');
  const hits = headerLines(lines, header);
  if (hits.length > 1) throw new EditRefused(`Multiple sections found with header '${header}'. Section replacement requires unique headers.`);
  if (hits.length === 0) {
    const sep = current && !current.endsWith('\n\n') ? '\n\n' : '';
    return `${current}${sep}${header}\n${newContent}`;
  }
  const at = hits[0]!;
  let end = at + 1;
  while (end < lines.length && !lines[end]!.startsWith('#')) end++;
  return [...lines.slice(0, at + 1), newContent, ...lines.slice(end)].join('\n');
}

function insertRelative(current: string, section: string, content: string, position: 'before' | 'after'): string {
  const header = normalizeHeader(section);
  const lines = current.split('\n');
  const hits = headerLines(lines, header);
  if (hits.length === 0) throw new EditRefused(`Section '${header}' not found in document. Use replace_section to create a new section.`);
  if (hits.length > 1) throw new EditRefused(`Multiple sections found with header '${header}'. Section insertion requires unique headers.`);
  const idx = hits[0]!;
  let insert = content.replace(/\n+$/, '').split('\n');
  if (position === 'before') {
    const before = lines.slice(0, idx);
    if (before.length && before[before.length - 1]!.trim() !== '') insert = ['', ...insert];
    return [...before, ...insert, '', ...lines.slice(idx)].join('\n');
  }
  const after = lines.slice(idx + 1);
  if (after.length && after[0]!.trim() !== '') insert = [...insert, ''];
  return [...lines.slice(0, idx + 1), ...insert, ...after].join('\n');
}

/** The note's new text, or EditRefused (nothing is written then). */
export function applyEdit(current: string, e: EditInput): string {
  switch (e.operation) {
    case 'append':
      return current && !current.endsWith('\n') ? `${current}\n${e.content}` : current + e.content;
    case 'prepend':
      return prepend(current, e.content);
    case 'find_replace': {
      const find = e.find_text ?? '';
      if (!find) throw new EditRefused('find_text is required for find_replace operation');
      if (!find.trim()) throw new EditRefused('find_text cannot be empty or whitespace only');
      const expected = e.expected_replacements ?? 1;
      const actual = countOccurrences(current, find);
      if (actual !== expected) {
        throw new EditRefused(actual === 0 ? `Text to replace not found: '${find}'` : `Expected ${expected} occurrences of '${find}', but found ${actual}`);
      }
      return current.split(find).join(e.content);
    }
    case 'replace_section':
    case 'insert_before_section':
    case 'insert_after_section': {
      const section = e.section ?? '';
      if (!section) throw new EditRefused(`section is required for ${e.operation} operation`);
      if (!section.trim()) throw new EditRefused('section cannot be empty or whitespace only');
      if (e.operation === 'replace_section') return replaceSection(current, section, e.content);
      return insertRelative(current, section, e.content, e.operation === 'insert_before_section' ? 'before' : 'after');
    }
  }
}
