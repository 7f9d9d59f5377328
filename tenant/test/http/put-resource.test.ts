// PUT /{project}/resource/{path} against a real tenant process: streamed to disk in constant memory,
// byte-identical, indexed at once, capped (413, nothing left behind), confined, atomic.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { startTenant, tempDir, waitFor, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-put-');
let t: Tenant;
const MB = 1024 * 1024;

type Put = { status: number; body: any; headers: http.IncomingHttpHeaders };

/** Signed PUT with a streamed body; `length` undefined = chunked. Resolves on the response even if the server cut the upload short. */
function put(tenant: Tenant, rawPath: string, body: Readable | Buffer | string | null, opts: { length?: number; type?: string; signed?: boolean; headersOnly?: boolean } = {}): Promise<Put> {
  const headers: Record<string, string> = opts.signed === false ? {} : signRequest({ secret: tenant.secret, tenantId: tenant.tenantId, method: 'PUT', pathAndQuery: rawPath });
  headers['content-type'] = opts.type ?? 'application/octet-stream';
  const length = typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : opts.length;
  if (length !== undefined) headers['content-length'] = String(length);
  return new Promise((resolve, reject) => {
    let done = false;
    const req = http.request({ host: '127.0.0.1', port: tenant.port, method: 'PUT', path: rawPath, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => {
        done = true;
        let parsed: unknown = data;
        try { parsed = JSON.parse(data); } catch { /* keep text */ }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
      });
    });
    req.on('error', (err) => { if (!done) setTimeout(() => { if (!done) reject(err); }, 200); }); // EPIPE after an early answer
    // headersOnly: announce the body but send none of it; the answer must come from the headers alone.
    if (opts.headersOnly) { req.flushHeaders(); req.on('response', (res) => res.on('end', () => req.destroy())); }
    else if (body === null) req.end();
    else if (body instanceof Readable) { body.on('error', () => {}); body.pipe(req); } else req.end(body);
  });
}

/** Kernel's view of the tenant's memory (kB): current RSS and its high-water mark. */
function memKB(pid: number): { rss: number; hwm: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)![1]), hwm: Number(/VmHWM:\s+(\d+)/.exec(s)![1]) };
}

const shaOfFile = (abs: string) => crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex');

/** Every file under dir (relative), hidden ones included: to prove nothing was left behind. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) { out.push(`${r}/`); walk(r); } else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

before(async () => {
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'main', 'files'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'main', 'note.md'), '# Note\n\nold walrus text\n');
  t = await startTenant({ dataDir, args: ['--max-upload-mb', '1024'] }); // above BIG (PUT_BIG_MB may raise it)
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('PUT /{project}/resource/{path}', () => {
  // Socket reads are external buffers that V8 collects only once ~64 MB of them have piled up, so RSS grows
  // by up to ~66 MB and then stays there (measured: 50 MB body → +31 MB, 160 → +66, 320 → +66). A 160 MB body
  // held whole would need more than 160 MB: a bound of half the body proves it is streamed.
  const BIG = Number(process.env.PUT_BIG_MB ?? 160);
  test(`a ${BIG} MB upload is streamed to disk: byte-identical, memory bounded far below the body, indexed at once`, async () => {
    const src = path.join(tmp, 'big-src.bin');
    const fd = fs.openSync(src, 'w');
    const block = crypto.randomBytes(MB);
    for (let i = 0; i < BIG; i++) { block[0] = i; fs.writeSync(fd, block); }
    fs.closeSync(fd);
    const want = shaOfFile(src);
    await new Promise((r) => setTimeout(r, 300)); // let start-up garbage settle before the baseline
    const base = memKB(t.pid);
    let peak = base.rss;
    const sampler = setInterval(() => { peak = Math.max(peak, memKB(t.pid).rss); }, 5);
    let r: Put;
    try {
      r = await put(t, '/main/resource/files/big%20upload.bin', fs.createReadStream(src, { highWaterMark: MB }), { length: BIG * MB });
    } finally { clearInterval(sampler); }
    const end = memKB(t.pid);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['checksum', 'created_at', 'file_path', 'modified_at', 'size']);
    assert.equal(r.body.file_path, 'files/big upload.bin');
    assert.equal(r.body.checksum, want);
    assert.equal(r.body.size, BIG * MB);
    assert.equal(typeof r.body.modified_at, 'number');
    const dest = path.join(t.dataDir, 'main', 'files', 'big upload.bin');
    assert.equal(fs.statSync(dest).size, BIG * MB);
    assert.equal(shaOfFile(dest), want, 'byte-identical on disk');
    const grewMB = (Math.max(peak, end.rss) - base.rss) / 1024;
    const hwmMB = (end.hwm - base.hwm) / 1024;
    console.log(`# tenant RSS grew by ${grewMB.toFixed(1)} MB (peak +${hwmMB.toFixed(1)} MB) during a ${BIG} MB upload`);
    assert.ok(grewMB < BIG / 2, `tenant RSS grew by ${grewMB.toFixed(1)} MB during a ${BIG} MB upload`);
    assert.ok(hwmMB < BIG / 2, `tenant peak RSS rose by ${hwmMB.toFixed(1)} MB`);
    // Indexed before the answer: found by name, and the next sync has nothing to add.
    const s = await t.json('GET', '/main/search?q=upload');
    assert.deepEqual(s.body.results.map((x: { file_path: string }) => x.file_path), ['files/big upload.bin']);
    const sync = await t.json('POST', '/main/project/sync?run_in_background=false');
    assert.deepEqual([sync.body.new, sync.body.modified, sync.body.deleted], [[], [], []]);
    assert.deepEqual(allFiles(path.join(t.dataDir, 'main')), ['files/', 'files/big upload.bin', 'note.md'], 'no temp file left');
    fs.rmSync(dest);
  });

  test('replacing a note: 200, re-indexed; an upstream client\'s JSON string body is written decoded', async () => {
    const r = await put(t, '/main/resource/note.md', '# Note\n\nnew narwhal text\n', { type: 'text/markdown' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(fs.readFileSync(path.join(t.dataDir, 'main', 'note.md'), 'utf8'), '# Note\n\nnew narwhal text\n');
    assert.equal((await t.json('GET', '/main/search?q=narwhal')).body.results[0]?.file_path, 'note.md');
    assert.equal((await t.json('GET', '/main/search?q=walrus')).body.results.length, 0);
    const canvas = JSON.stringify({ nodes: [], edges: [] });
    const j = await put(t, '/main/resource/board.canvas', JSON.stringify(canvas), { type: 'application/json' });
    assert.equal(j.status, 201);
    assert.equal(fs.readFileSync(path.join(t.dataDir, 'main', 'board.canvas'), 'utf8'), canvas);
    const notString = await put(t, '/main/resource/x.canvas', '{"a":1}', { type: 'application/json' });
    assert.equal(notString.status, 422);
    const empty = await put(t, '/main/resource/files/empty.txt', null);
    assert.equal(empty.status, 201);
    assert.equal(fs.statSync(path.join(t.dataDir, 'main', 'files', 'empty.txt')).size, 0);
    assert.ok(!fs.existsSync(path.join(t.dataDir, 'main', 'x.canvas')));
  });

  test('paths are confined; hidden and ignored paths, folders and unsigned requests are refused; nothing is written', async () => {
    const before = allFiles(t.dataDir);
    for (const p of ['/main/resource/..%2f..%2fescape.txt', '/main/resource/%252e%252e/escape.txt', '/main/resource/a/..%5c..%5cx',
      '/main/resource/.hidden/x.md', '/main/resource/node_modules/x.js', '/main/resource/files', '/main/resource/note.md/child.txt']) {
      const r = await put(t, p, 'data');
      assert.equal(r.status, /hidden|node_modules/.test(p) ? 403 : 400, `${p}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.detail, 'string');
    }
    fs.symlinkSync(tmp, path.join(t.dataDir, 'main', 'out-link'));
    try {
      const r = await put(t, '/main/resource/out-link/escape.txt', 'data');
      assert.equal(r.status, 400);
    } finally { fs.unlinkSync(path.join(t.dataDir, 'main', 'out-link')); }
    assert.equal((await put(t, '/main/resource/files/unsigned.txt', 'data', { signed: false })).status, 401);
    assert.equal((await put(t, '/nope/resource/x.txt', 'data')).status, 404);
    assert.deepEqual(allFiles(t.dataDir).filter((f) => !f.startsWith('.basic-memory/')), before.filter((f) => !f.startsWith('.basic-memory/')));
    assert.ok(!fs.existsSync(path.join(tmp, 'escape.txt')));
  });

  test('a client that gives up mid-upload leaves the old file and no temp file', async () => {
    const abs = path.join(t.dataDir, 'main', 'note.md');
    const old = fs.readFileSync(abs, 'utf8');
    const headers = { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'PUT', pathAndQuery: '/main/resource/note.md' }),
      'content-type': 'application/octet-stream', 'content-length': String(10 * MB) };
    const req = http.request({ host: '127.0.0.1', port: t.port, method: 'PUT', path: '/main/resource/note.md', headers });
    req.on('error', () => {});
    req.write(Buffer.alloc(2 * MB, 7));
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();
    await waitFor(() => allFiles(path.join(t.dataDir, 'main')).every((f) => !f.includes('.bm-upload-')), 5000, 50);
    assert.equal(fs.readFileSync(abs, 'utf8'), old);
    assert.equal((await t.json('GET', '/health')).status, 200);
  });
});

describe('PUT /{project}/resource over the cap', () => {
  test('413 JSON, announced or discovered while streaming; nothing left behind', async () => {
    const dataDir = path.join(tmp, 'capped');
    fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'main', 'keep.bin'), 'original');
    const c = await startTenant({ dataDir, args: ['--max-upload-mb', '1'] });
    try {
      await c.waitHealthy();
      const before = allFiles(path.join(dataDir, 'main'));
      // Refused from Content-Length alone, before any of the body is read (none is sent: a client writing
      // it would race the server closing the connection, EPIPE).
      const announced = await put(c, '/main/resource/new-dir/x.bin', null, { length: 2 * MB, headersOnly: true });
      assert.equal(announced.status, 413);
      assert.match(announced.body.detail, /limit is 1048576 bytes/);
      // Chunked: the size is only known while streaming. The client pauses once it has crossed the cap, so
      // the answer arrives while it is not writing (else the server's close can turn into EPIPE first).
      const chunked = await put(c, '/main/resource/keep.bin', Readable.from((async function* () {
        for (let i = 0; i < 32; i++) {
          if (i === 17) await new Promise((r) => setTimeout(r, 1000));
          yield Buffer.alloc(64 * 1024, 2);
        }
      })()));
      assert.equal(chunked.status, 413);
      assert.equal(typeof chunked.body.detail, 'string');
      assert.equal(fs.readFileSync(path.join(dataDir, 'main', 'keep.bin'), 'utf8'), 'original');
      assert.deepEqual(allFiles(path.join(dataDir, 'main')), before, 'no file, temp file or folder left');
      const ok = await put(c, '/main/resource/new-dir/y.bin', Buffer.alloc(MB, 3));
      assert.equal(ok.status, 201, 'exactly the cap is accepted');
    } finally {
      assert.equal(await c.stop(), 0);
    }
  });
});
