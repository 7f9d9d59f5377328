// Globs that arrive in requests (list_directory's file_name_glob; the `*` patterns of memory:// URLs and
// resource paths): bounded in length, and file-name globs matched by picomatch.
//
// picomatch compiles `*` to a lazy regex run, and a failing match of several stars backtracks
// polynomially in the name's length (`*a*a*a*a*b` against 255 × "a" takes seconds). So a glob is cut at
// its stars: each piece between them has a fixed width (`?`, a `[class]` and a literal are one character
// each; braces and extglobs are off) and is matched by picomatch on a window of exactly that width, and
// the pieces are placed left to right at their first fit (exact for star-separated fixed-width pieces).
// Time: O(name length × glob length), whatever the pattern.
import picomatch from 'picomatch';
import { HttpError } from './errors.ts';

/** Longer than any real name pattern; long enough for a full path. */
const MAX_GLOB_LENGTH = 256;

const PM_OPTIONS = { dot: true, nonegate: true, noextglob: true, nobrace: true, strictSlashes: true } as const;

/** Refuses a glob over MAX_GLOB_LENGTH characters: 400 {"detail"} naming the bound. */
export function assertGlobLength(glob: string, what = 'glob'): void {
  if (glob.length > MAX_GLOB_LENGTH) throw new HttpError(400, `The ${what} is ${glob.length} characters long; the limit is ${MAX_GLOB_LENGTH}.`);
}

interface Piece { width: number; match: (s: string) => boolean }

/** Splits on unescaped `*` (outside classes); each piece with its width in UTF-16 units. */
function pieces(glob: string): Piece[] {
  const raw: string[] = [];
  const widths: number[] = [];
  let cur = '';
  let width = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) { cur += c + glob[i + 1]; width++; i++; continue; }
    if (c === '[') {
      // a class: `[...]`, `[!...]`, `[]...]`; unclosed = a literal '['
      let j = i + 1;
      if (glob[j] === '!' || glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      // fnmatch's `[!...]` is picomatch's `[^...]`
      if (j < glob.length) { cur += glob[i + 1] === '!' ? '[^' + glob.slice(i + 2, j + 1) : glob.slice(i, j + 1); width++; i = j; continue; }
      cur += '\\['; width++; continue;
    }
    if (c === '*') { raw.push(cur); widths.push(width); cur = ''; width = 0; continue; }
    cur += c; width++;
  }
  raw.push(cur); widths.push(width);
  const parts = raw.map((p, k) => {
    const m = p === '' ? () => true : picomatch(p, PM_OPTIONS);
    return { width: widths[k]!, match: (s: string) => m(s) };
  });
  return parts;
}

/**
 * fnmatch-style name matching as upstream does (`*`, `?`, `[...]`, `[!...]`; case-sensitive; a leading dot
 * matched like any character), by picomatch, in linear time.
 */
export function fileNameGlobMatcher(glob: string): (name: string) => boolean {
  assertGlobLength(glob, 'file_name_glob');
  let parts: Piece[];
  try { parts = pieces(glob); } catch (e) { throw new HttpError(400, `Invalid file_name_glob: ${(e as Error).message}`); }
  return (name) => {
    if (name.includes('/')) return false;
    if (parts.length === 1) return name.length === parts[0]!.width && parts[0]!.match(name);
    const first = parts[0]!;
    const last = parts[parts.length - 1]!;
    if (name.length < first.width + last.width) return false;
    if (!first.match(name.slice(0, first.width))) return false;
    if (!last.match(name.slice(name.length - last.width))) return false;
    let pos = first.width;
    const end = name.length - last.width;
    for (let k = 1; k < parts.length - 1; k++) {
      const p = parts[k]!;
      let at = -1;
      for (let i = pos; i + p.width <= end; i++) if (p.match(name.slice(i, i + p.width))) { at = i; break; }
      if (at < 0) return false;
      pos = at + p.width;
    }
    return true;
  };
}
