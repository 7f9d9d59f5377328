// User text as an SQLite FTS5 query, shared by search and by link resolution's fuzzy fallback.
/** User text → FTS5 query: every word must match, as a prefix. Operators are never passed through (no syntax errors). */
export function toFtsQuery(text: string): string | null {
  const words = (text.normalize('NFC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);
  if (!words.length) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}
