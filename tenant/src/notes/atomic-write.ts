// Atomic writes for the explicit note API: temp file in the same folder, fsync, rename/link, fsync folder.
// The temp name starts with '.', so a concurrent sync never indexes it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try { fd = fs.openSync(dir, 'r'); fs.fsyncSync(fd); } catch { /* some filesystems cannot fsync a directory */ } finally { if (fd !== null) fs.closeSync(fd); }
}

function writeTemp(abs: string, data: string | Uint8Array): string {
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try { fs.writeFileSync(fd, data); fs.fsyncSync(fd); } catch (e) { fs.closeSync(fd); fs.rmSync(tmp, { force: true }); throw e; }
  fs.closeSync(fd);
  return tmp;
}

/** Create `abs` atomically; fails with EEXIST (and leaves the existing file alone) if it already exists. */
export function atomicCreate(abs: string, data: string | Uint8Array): void {
  const tmp = writeTemp(abs, data);
  try { fs.linkSync(tmp, abs); } finally { fs.rmSync(tmp, { force: true }); }
  fsyncDir(path.dirname(abs));
}

/** Replace (or create) `abs` atomically. */
export function atomicReplace(abs: string, data: string | Uint8Array): void {
  const tmp = writeTemp(abs, data);
  try { fs.renameSync(tmp, abs); } catch (e) { fs.rmSync(tmp, { force: true }); throw e; }
  fsyncDir(path.dirname(abs));
}

/** Move without ever replacing an existing destination (link + unlink), then fsync both folders. */
export function moveNoReplace(fromAbs: string, toAbs: string): void {
  fs.linkSync(fromAbs, toAbs);
  fs.unlinkSync(fromAbs);
  fsyncDir(path.dirname(toAbs));
  if (path.dirname(fromAbs) !== path.dirname(toAbs)) fsyncDir(path.dirname(fromAbs));
}
