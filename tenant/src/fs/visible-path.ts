// The one decision "may the API touch this path?": hidden paths (.git/, .obsidian/, .basic-memory/, temp files,
// any dot-name) and everything the sync's ignore rules skip are never read, listed, written or deleted through
// the API, whatever the encoding. The path is judged as given and after up to three rounds of
// percent-decoding; each form is split on "/" and "\", and each segment is compared in its canonical form
// (Unicode NFKC, trailing dots and spaces dropped, lower case: see canonicalName), so "%2egit", "%252egit",
// ".GIT", ".git.", ".git " and a fullwidth "．git" all name .git. Used by the HTTP edge (confineRelPath), the
// engine (confine) and by routes that touch files (WebDAV, note routes): call assertVisiblePath.
import { PathError } from '../engine-types.ts';
import { canonicalName, ignoredByDefault, type IgnoreRules } from '../sync/ignore-rules.ts';

function decodeOnce(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

function forms(rel: string): string[] {
  const out = [rel];
  let cur = rel;
  for (let i = 0; i < 3; i++) {
    const next = decodeOnce(cur);
    if (next === cur) break;
    out.push(next);
    cur = next;
  }
  return out;
}

/** The first segment that makes `rel` hidden or ignored, or null when the API may serve it. */
export function hiddenSegment(rel: string, rules?: IgnoreRules): string | null {
  for (const form of forms(rel)) {
    const segs = form.normalize('NFKC').split(/[/\\]/).filter((s) => s !== '');
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg === '.') continue;
      if (ignoredByDefault(seg)) return seg;
      if (rules) {
        const sub = segs.slice(0, i + 1).join('/');
        const last = i === segs.length - 1;
        // the project's .gitignore is matched on the path as given and on its canonical form
        const canon = segs.slice(0, i + 1).map(canonicalName).join('/');
        for (const p of [sub, canon]) if (last ? rules.ignoresFile(p, seg) : rules.ignoresDir(p, seg)) return seg;
        // a folder on the way ignored as a folder also hides what is below it
        if (last && i > 0 && rules.ignoresDir(segs.slice(0, i).join('/'), segs[i - 1]!)) return segs[i - 1]!;
      }
    }
  }
  return null;
}

export function hiddenPathMessage(rel: string, seg: string): string {
  return `Hidden or ignored path: '${seg}' in '${rel}' is not served by the API (dot-files and folders such as .git, .obsidian and .basic-memory, temp files, and names the ignore rules skip)`;
}

/** A hidden or ignored path: HTTP 403 on every API route (WebDAV answers 404 to reads, 403 to writes). */
export class HiddenPathError extends PathError {
  override name = 'HiddenPathError';
}

/** Throws HiddenPathError when `rel` (project-relative) is hidden or ignored. */
export function assertVisiblePath(rel: string, rules?: IgnoreRules): void {
  const seg = hiddenSegment(rel, rules);
  if (seg !== null) throw new HiddenPathError(hiddenPathMessage(rel, seg));
}
