// One tenant API per data dir: <data-dir>/.basic-memory/tenant.lock, created atomically ('wx').
// A lock whose pid is dead (killed process) is taken over; a live one makes the caller refuse.
// Files on storage several hosts share: another host's pid cannot be checked, so the holder keeps its lock
// fresh (mtime touched every FOREIGN_LOCK_STALE_MS / 5) and a lock of another host untouched for
// FOREIGN_LOCK_STALE_MS is stale — its host is gone (a host lost with its tenants), and the control plane's
// lease already moved the tenant. A live holder on a host that is merely cut off keeps touching it, so
// the new host's tenant refuses (no two writers) until that holder stops.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type LockInfo = { pid: number; host: string; started_at: string };

const FOREIGN_LOCK_STALE_MS = 15_000;

export class DataDirLockedError extends Error {
  holder: LockInfo;
  lockPath: string;
  constructor(lockPath: string, holder: LockInfo) {
    super(`data dir is in use by another tenant API (pid ${holder.pid} on ${holder.host}, started ${holder.started_at}); lock file ${lockPath}`);
    this.holder = holder;
    this.lockPath = lockPath;
  }
}

export function lockPathFor(dataDir: string): string {
  return path.join(dataDir, '.basic-memory', 'tenant.lock');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lockPath: string): { raw: string; info: LockInfo | null } | null {
  let raw: string;
  try {
    raw = fs.readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const v = JSON.parse(raw);
    if (Number.isInteger(v?.pid) && v.pid > 0 && typeof v.host === 'string') return { raw, info: v as LockInfo };
  } catch { /* half-written or foreign content */ }
  return { raw, info: null };
}

export type DataDirLock = { path: string; info: LockInfo; release: () => void };

export function acquireDataDirLock(dataDir: string, o: { foreignStaleMs?: number } = {}): DataDirLock {
  const foreignStaleMs = o.foreignStaleMs ?? FOREIGN_LOCK_STALE_MS;
  const lockPath = lockPathFor(dataDir);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const info: LockInfo = { pid: process.pid, host: os.hostname(), started_at: new Date().toISOString() };
  const body = JSON.stringify(info) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(lockPath, body, { flag: 'wx', mode: 0o644 });
      const heartbeat = setInterval(() => {
        try { const now = new Date(); fs.utimesSync(lockPath, now, now); } catch { /* gone: released or removed by hand */ }
      }, Math.max(100, Math.floor(foreignStaleMs / 5)));
      heartbeat.unref();
      return { path: lockPath, info, release: () => { clearInterval(heartbeat); releaseLock(lockPath, info.pid); } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const existing = readLock(lockPath);
    if (!existing) continue; // vanished between our create and read: retry
    const holder = existing.info;
    if (holder) {
      if (holder.host === os.hostname()) {
        if (holder.pid !== process.pid && pidAlive(holder.pid)) throw new DataDirLockedError(lockPath, holder);
      } else if (Date.now() - fs.statSync(lockPath).mtimeMs < foreignStaleMs) {
        // Another host's holder that still touches its lock: refuse rather than risk two writers.
        throw new DataDirLockedError(lockPath, holder);
      }
    } else {
      // Unparseable: maybe a holder mid-write. Give it a moment before calling it stale.
      const age = Date.now() - fs.statSync(lockPath).mtimeMs;
      if (age < 2000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        continue;
      }
    }
    // Stale: remove it only if it is still the same file content we judged (another starter may have won).
    const again = readLock(lockPath);
    if (again && again.raw === existing.raw) fs.rmSync(lockPath, { force: true });
  }
  const last = readLock(lockPath);
  throw new DataDirLockedError(lockPath, last?.info ?? { pid: 0, host: 'unknown', started_at: 'unknown' });
}

function releaseLock(lockPath: string, pid: number): void {
  const cur = readLock(lockPath);
  if (cur?.info?.pid === pid) fs.rmSync(lockPath, { force: true });
}
