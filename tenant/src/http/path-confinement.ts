// Path confinement at the HTTP edge: every user-supplied path must stay inside its project.
// Refused (400, nothing touched): "..", its percent-encoded and double-encoded forms, backslashes,
// absolute paths, drive letters, NUL bytes, and symlinks whose target leaves the project.
// The engine checks again; this layer makes sure nothing suspicious even reaches it.
import fs from 'node:fs';
import path from 'node:path';
import { MAX_NAME_BYTES, pathProblem, pathTooLong } from '../fs/portable-name.ts';
import { hiddenPathMessage, hiddenSegment } from '../fs/visible-path.ts';
import { HttpError } from './errors.ts';

const PATH_REFUSED = 'Invalid path: it must stay inside the project';

function refuse(): never {
  throw new HttpError(400, PATH_REFUSED);
}

function decodeOnce(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // not valid percent-encoding: the literal text is what gets checked
  }
}

function unsafe(s: string, leadingSlashIsRoot: boolean): boolean {
  if (s.includes('\0') || s.includes('\\')) return true;
  if (/^[A-Za-z]:/.test(s)) return true;
  if (s.startsWith('/') && !leadingSlashIsRoot) return true;
  if (s.startsWith('//')) return true;
  return s.split('/').some((seg) => seg === '..');
}

export type ConfineOptions = {
  /** The value comes from the URL still percent-encoded (resource paths); decode it once. */
  encoded?: boolean;
  /** "/notes" means "notes" in the project (upstream dir_name); "/" is the project root. */
  leadingSlashIsRoot?: boolean;
  allowEmpty?: boolean;
  /** The caller answers hidden paths itself (WebDAV: 403 on writes, 404 on reads). */
  allowHidden?: boolean;
};

/**
 * Returns the normalised project-relative POSIX path ("" for the root), or throws HttpError(400).
 * Checks the value as given and after one and two extra rounds of percent-decoding, so
 * "%2e%2e" and "%252e%252e" are caught however many times some layer decodes them.
 */
export function confineRelPath(value: string, opts: ConfineOptions = {}): string {
  const leading = opts.leadingSlashIsRoot ?? false;
  const given = opts.encoded ? decodeOnce(value) : value;
  let probe = given;
  for (let i = 0; i < 3; i++) {
    if (unsafe(probe, leading)) refuse();
    const next = decodeOnce(probe);
    if (next === probe) break;
    probe = next;
  }
  if (unsafe(probe, leading)) refuse();
  const rel = given.split('/').filter((seg) => seg !== '' && seg !== '.').join('/');
  if (!rel && !opts.allowEmpty) refuse();
  // hidden and ignored paths are not the user's notes: never served, whatever their encoding
  const hidden = opts.allowHidden ? null : hiddenSegment(rel);
  if (hidden !== null) throw new HttpError(403, hiddenPathMessage(rel, hidden));
  // one limit for reads and writes: a name no write could have made is said to be too long, not "not found"
  if (pathTooLong(rel)) throw new HttpError(414, `Path too long: ${pathProblem(rel)}`);
  const long = rel.split('/').find((seg) => Buffer.byteLength(seg, 'utf8') > MAX_NAME_BYTES);
  if (long !== undefined) throw new HttpError(400, `Name too long: the name '${long.slice(0, 40)}…' is ${Buffer.byteLength(long, 'utf8')} bytes long; the limit is ${MAX_NAME_BYTES} bytes`);
  return rel;
}

/**
 * Refuses a path whose existing part resolves (through symlinks) outside the project folder.
 * Works for paths that do not exist yet (new notes, move destinations): the deepest existing
 * ancestor is what counts.
 */
export function assertInsideProject(projectAbs: string, rel: string): string {
  let root: string;
  try {
    root = fs.realpathSync(projectAbs);
  } catch {
    throw new HttpError(404, 'Project folder does not exist');
  }
  const target = path.join(projectAbs, rel);
  let probe = target;
  for (;;) {
    let real: string | null = null;
    try {
      real = fs.realpathSync(probe);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENAMETOOLONG') throw new HttpError(pathTooLong(rel) ? 414 : 400, `Name not portable: ${pathProblem(rel) ?? 'a name or the path is too long'}`);
      // A dangling symlink: refuse rather than guess where it would lead.
      if (code === 'ENOENT' && fs.lstatSync(probe, { throwIfNoEntry: false })?.isSymbolicLink()) refuse();
      if (code !== 'ENOENT' && code !== 'ENOTDIR') refuse();
    }
    if (real !== null) {
      if (real !== root && !real.startsWith(root + path.sep)) refuse();
      return target;
    }
    const parent = path.dirname(probe);
    if (parent === probe) refuse();
    probe = parent;
  }
}
