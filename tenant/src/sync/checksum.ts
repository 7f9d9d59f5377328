// Reading and hashing files. Small files: one blocking read into a reused buffer (the page-cache case is the
// common one and a blocking read costs ~11 µs vs ~45 µs for fs.promises). Big files: streamed in 64 KiB chunks,
// asynchronously, so memory stays constant whatever the size. Both read an fd the caller opened (and proved:
// confined-fs ScanRoot) and closes.
import crypto from 'node:crypto';
import fs from 'node:fs';

export const SMALL_FILE_MAX = 1024 * 1024;
const CHUNK = 64 * 1024;
const shared = Buffer.allocUnsafe(SMALL_FILE_MAX + 1);

/**
 * Whole file into the shared buffer (valid until the next call). null if it is larger than SMALL_FILE_MAX.
 * Positional reads: the fd's offset stays at 0, so the caller can read it whole after a null.
 */
export function readSmall(fd: number): Buffer | null {
  let n = 0;
  for (;;) {
    const r = fs.readSync(fd, shared, n, shared.length - n, n);
    if (r === 0) break;
    n += r;
    if (n > SMALL_FILE_MAX) return null; // grew past the limit since the stat
  }
  return shared.subarray(0, n);
}

export function sha256(buf: Uint8Array): string {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

/** Streamed SHA-256, one 64 KiB buffer per call. */
export async function hashFileStreamed(fh: fs.promises.FileHandle): Promise<string> {
  const h = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
    if (bytesRead === 0) break;
    h.update(buf.subarray(0, bytesRead));
  }
  return h.digest('hex');
}

/** Run fn over items with at most `limit` in flight (bounded: never EMFILE). */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => { while (i < items.length) await fn(items[i++]!); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
