// A readable line diff of two versions of a note, from the maintained `diff` package (jsdiff): lines added,
// removed or kept, with long unchanged runs folded to a few lines of context around each change.
import { diffLines } from 'diff';

export type DiffLine = { kind: 'add' | 'del' | 'same'; text: string } | { kind: 'fold'; count: number };

export function lineDiff(before: string, after: string, context = 3): { lines: DiffLine[]; added: number; removed: number } {
  const flat: { kind: 'add' | 'del' | 'same'; text: string }[] = [];
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    const kind = part.added ? 'add' : part.removed ? 'del' : 'same';
    if (kind === 'add') added += lines.length;
    if (kind === 'del') removed += lines.length;
    for (const text of lines) flat.push({ kind, text });
  }
  // keep `context` unchanged lines around each change; fold the rest
  const keep = flat.map((l) => l.kind !== 'same');
  const near = flat.map((_, i) => {
    for (let d = -context; d <= context; d++) if (keep[i + d]) return true;
    return false;
  });
  const out: DiffLine[] = [];
  for (let i = 0; i < flat.length; i++) {
    if (near[i]) { out.push(flat[i]!); continue; }
    const last = out.at(-1);
    if (last && last.kind === 'fold') last.count++;
    else out.push({ kind: 'fold', count: 1 });
  }
  return { lines: out, added, removed };
}
