// PUT /{project}/resource/{path} (upstream v1, contract §3.3): the request body becomes the file.
// Stage: the body is streamed into a hidden temp file (constant memory: one chunk in flight, the socket is
// paused while it is written), hashed on the way, capped, fsynced. Commit (under the writer mutex): rename
// over the destination, fsync the folder, index the file at once. A failed or refused upload leaves nothing
// behind: the destination is only replaced by the final rename, and no folder is created before it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PathError, PreconditionFailedError } from '../engine-types.ts';
import { sha256 } from '../sync/checksum.ts';
import type { IndexStore } from '../index/store.ts';
import { loadIgnoreRules } from '../sync/ignore-rules.ts';
import { indexFile } from '../sync/index-file.ts';
import { MAX_MARKDOWN_PARSE } from '../sync/sync-project.ts';
import { fsyncDir } from './atomic-write.ts';
import { isMarkdown } from './content-type.ts';
import { confine } from './safe-path.ts';
import { statOf } from './notes.ts';

export interface StagedUpload { tmp: string; size: number; checksum: string }

export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
  constructor(maxBytes: number) { super(`Upload exceeds the limit of ${maxBytes} bytes`); }
}

/**
 * Refuses (PathError) what the sync would never index: hidden segments, .bmignore defaults, the project's
 * .gitignore. Such a file would be dropped from the index by the next sync anyway.
 */
export function assertUploadable(root: string, rel: string): void {
  const rules = loadIgnoreRules(root);
  const segs = rel.split('/');
  for (let i = 0; i < segs.length; i++) {
    const sub = segs.slice(0, i + 1).join('/');
    const ignored = i === segs.length - 1 ? rules.ignoresFile(sub, segs[i]!) : rules.ignoresDir(sub, segs[i]!);
    if (ignored) throw new PathError(`'${rel}' is a hidden or ignored path (.bmignore/.gitignore): the sync would never index it`);
  }
}

/** The deepest existing folder on the way to the destination: same filesystem for the rename, and nothing created yet. */
export function stagingDir(root: string, rel: string): string {
  let dir = path.dirname(path.join(root, rel));
  for (;;) {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) throw new PathError(`a parent of '${rel}' is a file`);
      return dir;
    }
    if (dir.length <= root.length) return root;
    dir = path.dirname(dir);
  }
}

/** Streams `body` into a temp file in `dir`. Throws UploadTooLargeError past maxBytes; the temp file is removed on any error. */
export async function stageUpload(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null, dir: string, maxBytes: number): Promise<StagedUpload> {
  const tmp = path.join(dir, `.bm-upload-${crypto.randomBytes(8).toString('hex')}.tmp`); // hidden + .tmp: never synced
  const fh = await fs.promises.open(tmp, 'wx', 0o644);
  const hash = crypto.createHash('sha256');
  let size = 0;
  try {
    // for-await pulls one chunk at a time: while it is written the stream buffers at most its high-water mark
    // and the socket is paused (TCP backpressure), so memory stays flat whatever the size.
    if (body) {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new UploadTooLargeError(maxBytes);
        hash.update(chunk);
        for (let off = 0; off < chunk.byteLength;) off += (await fh.write(chunk, off, chunk.byteLength - off)).bytesWritten;
      }
    }
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  return { tmp, size, checksum: hash.digest('hex') };
}

export interface PutResourceResult {
  created: boolean;
  /** upstream shape: times are float seconds (st_ctime / st_mtime) */
  body: { file_path: string; checksum: string; size: number; created_at: number; modified_at: number };
}

/** Caller holds the writer mutex. Moves the staged file into place (replacing an existing file) and indexes it. */
export function commitUpload(store: IndexStore, projectId: number, root: string, relPath: string, staged: StagedUpload,
  expected: string | null = null): PutResourceResult {
  try {
    const { rel, abs } = confine(root, relPath);
    assertUploadable(root, rel);
    const existingStat = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (existingStat && !existingStat.isFile()) throw new PathError(`'${rel}' exists and is not a file`);
    // If-Match: the client says which version it read; a file changed (or removed) since is not replaced.
    if (expected) {
      const now = existingStat ? sha256(fs.readFileSync(abs)) : null;
      if (now !== expected.toLowerCase()) {
        throw new PreconditionFailedError(now ? `'${rel}' changed since it was read; reload it and retry` : `'${rel}' no longer exists; reload and retry`);
      }
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.renameSync(staged.tmp, abs);
    fsyncDir(path.dirname(abs));
    const existing = store.entityByPath(projectId, rel);
    const stat = statOf(abs);
    // The stream is already hashed; markdown is read back only to parse it (same size cap as the sync).
    const bytes = isMarkdown(rel) && staged.size <= MAX_MARKDOWN_PARSE ? fs.readFileSync(abs) : null;
    store.tx(() => {
      indexFile(store, { projectId, rel, stat, checksum: staged.checksum, bytes, existingId: existing?.id ?? null });
      store.clearFailure(projectId, rel);
      store.resolveRelations(projectId);
    });
    const st = fs.statSync(abs);
    return { created: !existing, body: { file_path: rel, checksum: staged.checksum, size: st.size, created_at: st.ctimeMs / 1000, modified_at: st.mtimeMs / 1000 } };
  } finally {
    fs.rmSync(staged.tmp, { force: true }); // gone after a successful rename; removed if anything refused it
  }
}
