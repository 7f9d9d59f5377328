// Every user-supplied path is confined to its project: `..`, encoded traversal, absolute paths, backslashes,
// NUL bytes and symlinks that lead outside are refused with PathError before anything is touched.
import fs from 'node:fs';
import path from 'node:path';
import { PathError } from '../engine-types.ts';
import { loadIgnoreRules } from '../sync/ignore-rules.ts';
import { registerAnchor } from './confined-fs.ts';
import { assertVisiblePath } from './visible-path.ts';
import { assertReadableLength, onDiskSpelling } from './portable-name.ts';

export interface SafePath { rel: string; abs: string }

/** allowHidden: only for the data dir's own bookkeeping (project folders); every user path is checked by assertVisiblePath. */
export function confine(projectRoot: string, userPath: string, opts: { allowRoot?: boolean; allowHidden?: boolean } = {}): SafePath {
  if (typeof userPath !== 'string') throw new PathError('path must be a string');
  if (userPath.includes('\0')) throw new PathError('path contains a NUL byte');
  if (/%(?:2e|2f|5c|00)/i.test(userPath)) throw new PathError('encoded path separators or dots are not allowed');
  if (userPath.includes('\\')) throw new PathError('backslashes are not allowed in paths');
  if (userPath.startsWith('/') || /^[a-zA-Z]:/.test(userPath)) throw new PathError('absolute paths are not allowed');
  const segs: string[] = [];
  for (const seg of userPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw new PathError('path escapes the project');
    segs.push(seg);
  }
  // Too long for any write to have made: said so (400 / 414) on reads as on writes.
  assertReadableLength(segs.join('/'));
  // NFC and NFD spellings of one name are one name: reads find the file whichever form was written or asked.
  const rel = onDiskSpelling(projectRoot, segs.join('/'));
  // The project root is where later confined operations start their no-follow walk (unless the data dir
  // holding it is registered already).
  registerAnchor(projectRoot, { ifUncovered: true });
  if (!rel && !opts.allowRoot) throw new PathError('empty path');
  if (rel && !opts.allowHidden) assertVisiblePath(rel, loadIgnoreRules(projectRoot));
  const abs = rel ? path.join(projectRoot, rel) : projectRoot;
  // Symlinks: the deepest part of the path that exists must resolve inside the project.
  const realRoot = fs.realpathSync(projectRoot);
  let probe = abs;
  for (;;) {
    let real: string | null = null;
    try { real = fs.realpathSync(probe); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new PathError(`cannot resolve path: ${code}`);
      // a dangling symlink is refused: it could be created to point anywhere
      if (fs.lstatSync(probe, { throwIfNoEntry: false })?.isSymbolicLink()) throw new PathError('path is a dangling symlink');
    }
    if (real !== null) {
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new PathError('path leads outside the project');
      break;
    }
    if (probe === projectRoot || probe.length <= projectRoot.length) break;
    probe = path.dirname(probe);
  }
  return { rel, abs };
}
