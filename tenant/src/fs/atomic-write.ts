// Atomic writes for the explicit note API: temp file in the same folder, fsync, rename/link, fsync folder.
// Every step goes through confined-fs: the folder is walked without following symlinks and held open, so a
// folder swapped for a symlink meanwhile cannot redirect the write. Missing parent folders are created the
// same way. Temp names are recognisable (`.bm-tmp-<hex>.tmp`): hidden, ignored by the sync, removed at start.
import fs from 'node:fs';
import { renameConfined, withParent, writeTempIn } from './confined-fs.ts';

/** Create `abs` atomically; fails with EEXIST (and leaves the existing file alone) if it already exists. */
export function atomicCreate(abs: string, data: string | Uint8Array): void {
  withParent(abs, { create: true }, (dir, leaf) => {
    const tmp = writeTempIn(dir, data);
    try { fs.linkSync(dir.at(tmp), dir.at(leaf)); } finally { fs.rmSync(dir.at(tmp), { force: true }); }
    dir.fsync();
  });
}

/** Replace (or create) `abs` atomically. */
export function atomicReplace(abs: string, data: string | Uint8Array): void {
  withParent(abs, { create: true }, (dir, leaf) => {
    const tmp = writeTempIn(dir, data);
    try { fs.renameSync(dir.at(tmp), dir.at(leaf)); } catch (e) { fs.rmSync(dir.at(tmp), { force: true }); throw e; }
    dir.fsync();
  });
}

/** Move without ever replacing an existing destination (link + unlink), then fsync both folders. */
export function moveNoReplace(fromAbs: string, toAbs: string): void {
  renameConfined(fromAbs, toAbs, { noReplace: true, createParents: true });
}
