// Permalinks from the project-relative file path (contract §5.4, upstream generate_permalink v0.16).
// No unidecode dependency: NFKD + strip combining marks covers accented Latin; a few letters that do not
// decompose are mapped by hand. CJK ideographs/kana/hangul are kept.

const EXTRA: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', þ: 'th', Þ: 'TH', ð: 'd', Ð: 'D', ı: 'i' };
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f]/u;
const NON_CJK_RUN = /[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f]+/gu;

function asciiFold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[ßæÆøØœŒđĐłŁþÞðÐı]/g, (c) => EXTRA[c] ?? c);
}

function stripExtension(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  const dot = relPath.lastIndexOf('.');
  return dot > slash + 1 ? relPath.slice(0, dot) : relPath;
}

export function generatePermalink(relPath: string, opts: { keepExtension?: boolean } = {}): string {
  let s = relPath.replace(/\\/g, '/');
  if (!opts.keepExtension) s = stripExtension(s);
  const ascii = /^[\x20-\x7e]*$/.test(s); // fast path: most paths are plain ASCII
  const hasCjk = !ascii && CJK.test(s);
  if (hasCjk) {
    s = s.replace(/[\uff00-\uffef]/g, '');
    // hyphen at CJK <-> Latin boundaries
    s = s.replace(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])(?=[A-Za-z0-9])/gu, '$1-')
      .replace(/([A-Za-z0-9])(?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/gu, '$1-');
    // fold everything that is not CJK
    s = s.replace(NON_CJK_RUN, (m) => asciiFold(m));
  } else if (!ascii) {
    s = asciiFold(s);
  }
  s = s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/_/g, '-').replace(/'/g, '');
  s = hasCjk
    ? s.replace(/[^a-z0-9/\-\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu, '-')
    : s.replace(/[^a-z0-9/-]/g, '-');
  s = s.replace(/-+/g, '-');
  return s.split('/').map((seg) => seg.replace(/^-+|-+$/g, '')).filter((seg) => seg.length > 0).join('/');
}

/** Normalise a permalink given in frontmatter (may contain a leading slash or odd characters). */
export function normalizePermalink(p: string): string {
  return generatePermalink(p.trim(), { keepExtension: true });
}
