// Backlink snippets: the text around each link to a note, as plain text parts (never HTML).

/** Each `[[link]]` in `text` that `matches`, with up to ~90 characters of its line on each side. */
export function linkSnippets(text: string, matches: (target: string) => boolean, max = 3): { before: string; link: string; after: string }[] {
  const out: { before: string; link: string; after: string }[] = [];
  const re = /\[\[([^\[\]\n]{1,500})\]\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && out.length < max) {
    const inner = m[1]!;
    const target = inner.split('|')[0]!.trim();
    if (!matches(target)) continue;
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    let lineEnd = text.indexOf('\n', m.index + m[0].length);
    if (lineEnd < 0) lineEnd = text.length;
    let before = text.slice(Math.max(lineStart, m.index - 90), m.index);
    let after = text.slice(m.index + m[0].length, Math.min(lineEnd, m.index + m[0].length + 90));
    if (m.index - 90 > lineStart) before = '…' + before.replace(/^\S*\s/, '');
    if (m.index + m[0].length + 90 < lineEnd) after = after.replace(/\s\S*$/, '') + '…';
    out.push({ before: before.replace(/^\s*[-*+]\s+/, ''), link: (inner.split('|')[1] ?? target).trim(), after });
  }
  return out;
}
