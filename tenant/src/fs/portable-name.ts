// Names that travel: the files sync to macOS, Windows and Linux laptops, so every name the API writes must be
// one all three can hold, and two names in one folder must stay two names everywhere. One module, used by
// every write path (notes, uploads, moves, folders created on the way; WebDAV and the note routes too) and by
// the sync, which reports such names found on disk as warnings instead of failing.
//
// Refused, with a message naming the problem: control characters (U+0000–U+001F, U+007F); the characters
// Windows forbids (< > : " | ? * and the backslash); Windows device names (CON PRN AUX NUL COM1–9 LPT1–9 CONIN$
// CONOUT$, any case, also with an extension: "nul.txt", "conin$.md"); names ending in a dot or a space (Windows drops them); names over
// 255 bytes (UTF-8); project paths over 1024 bytes (macOS PATH_MAX; Windows without long-path support stops
// at 260 characters for the whole path, which no server-side limit can promise); a new name that differs from
// an existing one in its folder only by case or Unicode normalisation (one file on macOS/Windows, two on
// Linux: 409, a conflict with what is there). Names over 255 bytes are 400, paths over 1024 bytes 414 (URI too
// long), on reads as on writes. Normalised: every path is stored in NFC (macOS may hand out NFD; the same visible name is one name).
// Note titles are normalised into file names instead of refused (titleToFileName), so "What? A: B" still saves.
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, PathError } from '../engine-types.ts';

export const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 1024;

const FORBIDDEN = /[<>:"|?*\\]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³]|conin\$|conout\$)$/i;

class PortableNameError extends PathError {
  override name = 'PortableNameError';
}

/** The whole path is over MAX_PATH_BYTES: HTTP 414. */
export class PathTooLongError extends PortableNameError {
  override name = 'PathTooLongError';
}

/** A name that differs from an existing one in its folder only by case or normalisation: HTTP 409. */
class NameCollisionError extends ConflictError {
  override name = 'NameCollisionError';
}

const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What keeps one name (a path segment) from travelling, or null. */
export function nameProblem(name: string): string | null {
  const ctl = CONTROL.exec(name);
  if (ctl) return `'${name.replace(CONTROL, '?')}' contains a control character (${hex(ctl[0])})`;
  const bad = FORBIDDEN.exec(name);
  if (bad) return `'${name}' contains '${bad[0]}', which Windows does not allow in names (< > : " | ? * \\)`;
  const base = name.split('.')[0]!.replace(/ +$/, '');
  if (RESERVED.test(base)) return `'${name}' is a reserved device name on Windows (${base.toUpperCase()})`;
  if (/[. ]$/.test(name)) return `'${name}' ends with a ${name.endsWith('.') ? 'dot' : 'space'}, which Windows drops`;
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) return `the name '${name.slice(0, 40)}…' is ${bytes} bytes long; the limit is ${MAX_NAME_BYTES} bytes`;
  return null;
}

/** What keeps a project-relative path from travelling, or null. */
export function pathProblem(rel: string): string | null {
  const bytes = Buffer.byteLength(rel, 'utf8');
  if (bytes > MAX_PATH_BYTES) return `the path is ${bytes} bytes long; the limit is ${MAX_PATH_BYTES} bytes`;
  for (const seg of rel.split('/')) {
    if (!seg) continue;
    const p = nameProblem(seg);
    if (p) return p;
  }
  return null;
}

/** The path in NFC; throws PortableNameError naming the problem when it cannot travel. */
export function portablePath(rel: string): string {
  const nfc = rel.normalize('NFC');
  const p = pathProblem(nfc);
  if (p) throw new (pathTooLong(nfc) ? PathTooLongError : PortableNameError)(`Name not portable: ${p}`);
  return nfc;
}

export const pathTooLong = (rel: string) => Buffer.byteLength(rel, 'utf8') > MAX_PATH_BYTES;

/** For reads: a name or path no write could have made is refused the same way (400 / 414), never a 500 or a bare 404. */
export function assertReadableLength(rel: string): void {
  if (pathTooLong(rel)) throw new PathTooLongError(`Path too long: ${pathProblem(rel)}`);
  for (const seg of rel.split('/')) {
    const bytes = Buffer.byteLength(seg, 'utf8');
    if (bytes > MAX_NAME_BYTES) throw new PortableNameError(`Name too long: the name '${seg.slice(0, 40)}…' is ${bytes} bytes long; the limit is ${MAX_NAME_BYTES} bytes`);
  }
}

/**
 * The spelling on disk of a project-relative path, segment by segment: the name as given when it exists, else
 * the one entry of its folder equal to it in Unicode NFC (a name written in NFD by macOS or rclone is read when
 * asked in NFC, and the other way round). Segments below a missing one stay as given.
 */
export function onDiskSpelling(root: string, rel: string): string {
  if (!rel || /^[\x00-\x7f]*$/.test(rel)) return rel; // ASCII has one spelling
  const segs = rel.split('/');
  let dir = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (fs.lstatSync(path.join(dir, seg), { throwIfNoEntry: false })) { dir = path.join(dir, seg); continue; }
    const want = seg.normalize('NFC');
    let found: string | undefined;
    try { found = fs.readdirSync(dir).find((n) => n !== seg && n.normalize('NFC') === want); } catch { return segs.join('/'); }
    if (found === undefined) return segs.join('/');
    segs[i] = found;
    dir = path.join(dir, found);
  }
  return segs.join('/');
}

const fold = (name: string) => name.normalize('NFC').toLowerCase();

/**
 * Before creating `rel` (and any folder on the way) under `root`: refuses when a folder on the way, or the leaf,
 * would sit beside an existing entry whose name differs only by case or Unicode normalisation.
 * `listDir` lists a folder without following links (confined-fs); a missing folder ends the check.
 */
export function assertNoLookalike(root: string, rel: string, listDir: (abs: string) => fs.Dirent[], ignore?: string): void {
  const segs = rel.split('/').filter(Boolean);
  let dir = root;
  for (const seg of segs) {
    let entries: fs.Dirent[];
    try { entries = listDir(dir); } catch { return; }
    const want = fold(seg);
    let exact = false;
    for (const e of entries) {
      if (e.name === seg) { exact = true; continue; }
      if (ignore !== undefined && path.join(dir, e.name) === path.join(root, ignore)) continue;
      if (fold(e.name) === want) {
        const how = e.name.normalize('NFC') === seg.normalize('NFC') ? 'Unicode normalisation' : 'case';
        throw new NameCollisionError(`Name not portable: '${seg}' differs from the existing '${e.name}' only by ${how}; macOS and Windows would see one name`);
      }
    }
    if (!exact) return; // below a folder that does not exist yet there is nothing to clash with
    dir = path.join(dir, seg);
  }
}

/** A note title made into a file name that travels (the title itself stays as written, in the frontmatter). */
export function titleToFileName(title: string): string {
  let name = title.normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\<>:"|?*]/g, '-')
    .trim()
    .replace(/[. ]+$/, '');
  const base = name.split('.')[0]!.replace(/ +$/, '');
  if (RESERVED.test(base)) name = `${name}_`;
  // leave room for ".md"
  while (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES - 3) name = name.slice(0, -1);
  return name;
}

/** For the sync: names on disk that will not travel, and case/normalisation twins among `names` of one folder. */
export function folderWarnings(relDir: string, names: string[], isCandidate: (name: string) => boolean): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const rel = relDir ? `${relDir}/${name}` : name;
    if (isCandidate(name)) {
      const p = pathProblem(rel); // the folders on the way and the path length too
      if (p) out.push({ path: rel, message: `name will not sync to every system: ${p}` });
      else if (name !== name.normalize('NFC')) out.push({ path: rel, message: `name is not in Unicode NFC form; some systems will show it as a different name` });
    }
    const f = fold(name);
    const other = seen.get(f);
    if (other !== undefined && (isCandidate(name) || isCandidate(other))) {
      out.push({ path: rel, message: `'${name}' and '${other}' differ only by case or Unicode normalisation; macOS and Windows keep only one` });
    } else seen.set(f, name);
  }
  return out;
}
