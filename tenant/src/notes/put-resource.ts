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
import { keepVersion } from '../history/note-history.ts';
import { assertNoLookalike, portablePath } from '../fs/portable-name.ts';
import { listDir, lstatConfined, openDir, readFileConfined, removeTemp, renameConfined, UPLOAD_TEMP_PREFIX, newTempName, utimesConfined } from '../fs/confined-fs.ts';
import { isMarkdown } from './content-type.ts';
import { confine } from '../fs/safe-path.ts';
import { statOf } from './notes.ts';

export interface StagedUpload {
  tmp: string; size: number; checksum: string;
  /** MD5 hex of the bytes, computed on the same pass (WebDAV clients read the ETag as a content hash). */
  md5: string;
}

export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
  constructor(maxBytes: number) { super(`Upload exceeds the limit of ${maxBytes} bytes`); }
}

/**
 * Refuses (PathError) what the sync would never index: hidden segments, .bmignore defaults, the project's
 * .gitignore. Such a file would be dropped from the index by the next sync anyway.
 */
export function assertUploadable(root: string, rel: string): void {
  portablePath(rel); // a name that would not sync to every system is refused before a byte is read
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
    const st = lstatConfined(dir);
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
  // The folder is opened without following links and held: the temp file is created through its fd.
  const d = openDir(dir);
  const name = newTempName(UPLOAD_TEMP_PREFIX); // hidden + .tmp: never synced, removed at start if left behind
  const tmp = path.join(dir, name);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(d.at(name), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  } catch (e) { d.close(); throw e; }
  const hash = crypto.createHash('sha256');
  const md5 = crypto.createHash('md5');
  let size = 0;
  try {
    // for-await pulls one chunk at a time: while it is written the stream buffers at most its high-water mark
    // and the socket is paused (TCP backpressure), so memory stays flat whatever the size.
    if (body) {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new UploadTooLargeError(maxBytes);
        hash.update(chunk);
        md5.update(chunk);
        for (let off = 0; off < chunk.byteLength;) off += (await fh.write(chunk, off, chunk.byteLength - off)).bytesWritten;
      }
    }
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await fs.promises.rm(d.at(name), { force: true });
    throw e;
  } finally {
    d.close();
  }
  return { tmp, size, checksum: hash.digest('hex'), md5: md5.digest('hex') };
}

export interface PutResourceResult {
  created: boolean;
  /** upstream shape: times are float seconds (st_ctime / st_mtime) */
  body: { file_path: string; checksum: string; size: number; created_at: number; modified_at: number };
}

export interface CommitOptions {
  /**
   * Checked under the writer mutex, right before the rename, with the destination's current stat (undefined
   * when it does not exist): throwing refuses the upload (conditional requests: If-None-Match, If-Match).
   */
  precondition?: (existing: fs.Stats | undefined, abs: string) => void;
  /** Modification time to give the file (seconds since the epoch), set on the temp file before the rename. */
  mtimeSeconds?: number;
  /** sha256 of the version the client read (If-Match on PUT /resource): another version on disk → 412. */
  expectedChecksum?: string | null;
}

/** Caller holds the writer mutex. Moves the staged file into place (replacing an existing file) and indexes it. */
export function commitUpload(store: IndexStore, projectId: number, root: string, relPath: string, staged: StagedUpload, opts: CommitOptions = {}): PutResourceResult {
  try {
    const rel = portablePath(confine(root, relPath).rel);
    const abs = path.join(root, rel);
    assertUploadable(root, rel);
    if (!lstatConfined(abs)) assertNoLookalike(root, rel, listDir);
    const existingStat = lstatConfined(abs);
    if (existingStat && !existingStat.isFile()) throw new PathError(`'${rel}' exists and is not a file`);
    opts.precondition?.(existingStat ?? undefined, abs);
    // If-Match: the client says which version it read; a file changed (or removed) since is not replaced.
    if (opts.expectedChecksum) {
      const now = existingStat ? sha256(readFileConfined(abs)) : null;
      if (now !== opts.expectedChecksum.toLowerCase()) {
        throw new PreconditionFailedError(now ? `'${rel}' changed since it was read; reload it and retry` : `'${rel}' no longer exists; reload and retry`);
      }
    }
    if (opts.mtimeSeconds !== undefined) utimesConfined(staged.tmp, opts.mtimeSeconds, opts.mtimeSeconds);
    if (existingStat) keepVersion(abs, 'overwrite', { replacedBy: staged.checksum });
    renameConfined(staged.tmp, abs, { createParents: true });
    const existing = store.entityByPath(projectId, rel);
    const stat = statOf(abs);
    // The stream is already hashed; markdown is read back only to parse it (same size cap as the sync).
    const bytes = isMarkdown(rel) && staged.size <= MAX_MARKDOWN_PARSE ? readFileConfined(abs) : null;
    store.tx(() => {
      indexFile(store, { projectId, rel, stat, checksum: staged.checksum, bytes, existingId: existing?.id ?? null });
      store.clearFailure(projectId, rel);
      store.resolveRelations(projectId);
    });
    // The folder may have been moved meanwhile (the write itself is done): answer from the stat taken after the rename.
    const st = lstatConfined(abs);
    return { created: !existing, body: { file_path: rel, checksum: staged.checksum, size: st?.size ?? stat.size,
      created_at: (st?.ctimeMs ?? stat.birthtimeMs) / 1000, modified_at: (st?.mtimeMs ?? stat.mtimeMs) / 1000 } };
  } finally {
    removeTemp(staged.tmp); // gone after a successful rename; removed if anything refused it
  }
}
