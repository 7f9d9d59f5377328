// Class 2 of the hardening: nothing is left behind by a crash. A real tenant process gets note writes and
// streamed uploads in flight and is killed with SIGKILL at a random moment, again and again on the same dirs.
// Every restart must remove the temp files of the interrupted writes before serving; after the last restart
// the data dir holds exactly what the writes made: every acknowledged file whole, an unacknowledged one
// either absent or whole (never torn), no temp file, nothing else; and the index lists exactly those files.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { isLeftoverTemp } from '../../src/fs/temp-sweep.ts';
import { startTenant, tempDir, type Tenant } from './tenant-process.ts';

const KILLS = 20;
const tmp = tempDir('bm-crash-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const dataDir = path.join(tmp, 'data');
const indexDir = path.join(tmp, 'index');

/** Deterministic bytes of an upload, so a torn file is recognisable. */
const uploadBytes = (name: string, size: number) => {
  const out = Buffer.alloc(size);
  let seed = crypto.createHash('sha256').update(name).digest();
  for (let off = 0; off < size; off += 32) { seed = crypto.createHash('sha256').update(seed).digest(); seed.copy(out, off); }
  return out;
};
const noteMarker = (name: string) => `body of ${name} ${'x'.repeat(2000)} end of ${name}`;

/** Every regular file under dir (relative), hidden ones included, without following links. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r); else out.push(r);
    }
  };
  walk('');
  return out.sort();
}
const temps = () => allFiles(dataDir).filter((f) => isLeftoverTemp(path.basename(f)));

function upload(t: Tenant, rel: string, bytes: Buffer): Promise<number> {
  const p = `/main/resource/${rel}`;
  const headers = { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'PUT', pathAndQuery: p }), 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) };
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: t.port, method: 'PUT', path: p, headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', () => resolve(0));
    // slow, chunked writing: the kill finds uploads half-way through
    let off = 0;
    const step = () => {
      if (off >= bytes.length) { req.end(); return; }
      const ok = req.write(bytes.subarray(off, off + 64 * 1024));
      off += 64 * 1024;
      if (ok) setTimeout(step, 2); else req.once('drain', step);
    };
    step();
  });
}

describe('kill -9 with writes in flight', () => {
  // real processes started 21 times: slow on a loaded machine, so its own budget
  test(`${KILLS} kills: each start sweeps the temp files; the final tree is exactly what the writes made`, { timeout: 600_000 }, async () => {
    fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
    const acknowledged = new Map<string, Buffer | string>(); // rel → expected bytes (upload) or marker (note)
    const attempted = new Map<string, Buffer | string>();
    let leftoversSeen = 0;
    for (let k = 0; k < KILLS; k++) {
      const t = await startTenant({ dataDir, indexDir });
      const exited = new Promise((r) => t.child.once('exit', r));
      try {
        await t.waitHealthy();
        assert.deepEqual(temps(), [], `start ${k}: temp files of the interrupted writes were not removed`);
      } catch (e) { t.child.kill('SIGKILL'); await exited; throw e; }
      let stop = false;
      const writers: Promise<void>[] = [];
      for (let w = 0; w < 3; w++) {
        writers.push((async () => {
          for (let j = 0; !stop; j++) {
            const note = `k${k}w${w}n${j}`;
            attempted.set(`notes/${note}.md`, noteMarker(note));
            const r = await t.request('POST', '/main/knowledge/entities', { title: note, folder: 'notes', content: noteMarker(note) }).catch(() => null);
            if (r?.status === 200) acknowledged.set(`notes/${note}.md`, noteMarker(note));
            await r?.arrayBuffer().catch(() => {});
            const up = `up/k${k}w${w}u${j}.bin`;
            const bytes = uploadBytes(up, 256 * 1024 + j * 1024);
            attempted.set(up, bytes);
            if ((await upload(t, up, bytes)) === 201) acknowledged.set(up, bytes);
          }
        })());
      }
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 250)));
      t.child.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(writers);
      leftoversSeen += temps().length;
    }
    assert.ok(leftoversSeen > 0, 'no kill ever interrupted a write: the sweep was never exercised');

    const t = await startTenant({ dataDir, indexDir });
    try {
      await t.waitHealthy();
      assert.deepEqual(temps(), []);
      const onDisk = allFiles(path.join(dataDir, 'main'));
      for (const rel of acknowledged.keys()) assert.ok(onDisk.includes(rel), `acknowledged write lost: ${rel}`);
      for (const rel of onDisk) {
        const want = attempted.get(rel);
        assert.ok(want !== undefined, `unexpected file in the data dir: ${rel}`);
        const got = fs.readFileSync(path.join(dataDir, 'main', rel));
        if (Buffer.isBuffer(want)) assert.ok(got.equals(want), `torn upload: ${rel} (${got.length} of ${want.length} bytes)`);
        else assert.ok(got.toString('utf8').includes(want), `torn note: ${rel}`);
      }
      // the index (after the start-up catch-up) lists exactly the files on disk
      const list = await t.json('GET', '/main/directory/list?dir_name=/&depth=5');
      const indexed: string[] = [];
      // the list is flat (pre-order, as upstream): every file appears once at the top level
      for (const n of list.body as any[]) if (n.type === 'file') indexed.push(n.file_path);
      assert.deepEqual(indexed.sort(), onDisk);
      assert.ok(acknowledged.size > KILLS, `too few writes completed to mean anything: ${acknowledged.size}`);
    } finally {
      await t.stop();
    }
  });
});
