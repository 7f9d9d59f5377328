// `npm run bench:webdav`: rclone against our WebDAV (/proxy/webdav through the real app and a real tenant) next to
// rclone against `rclone serve webdav` of a local folder (the reference server, same machine, same rclone client
// settings), in one run:
//   1. a `seed-tenant` corpus (`../shared/tools/make-corpus`), filtered like `bm` filters it (.bmignore → rclone);
//   2. for each server: copy up, copy down into an empty folder, a no-change `rclone sync`, a no-change `bisync`
//      (after its --resync, untimed); BENCH_ROUNDS rounds (default 3), alternating which server goes first; medians;
//   3. peak RSS of the app and of the tenant API while ours runs.
// The copies measure the servers, not rclone: rclone's WebDAV backend spaces its calls (a pacer, 10 ms between calls
// per process, so about 100 calls/s whatever --transfers says: 85 s for 2,621 files on both servers). Where rclone has
// `--webdav-pacer-min-sleep` it is set to 0 with BENCH_TRANSFERS (default 32) transfers; Debian's rclone 1.60 has no
// such flag, so the file list is split into BENCH_SHARDS (default 8) disjoint `--files-from` shards copied by as many
// rclone processes at once, each with its own pacer (8 × 4 transfers). Both report files/s.
// Targets: copies ≥ 1 / 1.5 of the reference's files/s; the no-change runs ≤ 1.5 × its time. After each copy the
// files are checked (count up; count and MD5 down); a failed transfer or check exits 2, a missed target 1.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppPassword } from '../lib/auth/app-passwords.ts';
import { DEFAULT_BMIGNORE } from '../tenant/src/sync/ignore-rules.ts';
import { rclone, rcloneVersion, webdavRemote, type RcloneRemote } from '../tests/helpers/rclone.ts';
import { ROOT, appPids, peakRssSampler, provisionAccount, startApp, waitFor } from './lib/app-under-test.ts';

const PORT = Number(process.env.BENCH_PORT ?? 3710);
const REF_PORT = Number(process.env.BENCH_REF_PORT ?? PORT + 2);
const ROUNDS = Math.min(Math.max(Number(process.env.BENCH_ROUNDS ?? 3), 1), 9);
const TARGET = 1.5;
/** rclone releases after Debian's 1.60 can switch the WebDAV pacer off; 1.60 cannot (its minimum sleep is fixed). */
const PACER_FLAG = await rclone(null, ['help', 'flags']).then((r) => r.stdout.includes('--webdav-pacer-min-sleep'));
const SHARDS = PACER_FLAG ? 1 : Math.min(Math.max(Number(process.env.BENCH_SHARDS ?? 8), 1), 32);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? (PACER_FLAG ? 32 : 4));
const COPY_OPS = new Set<Op>(['copy up', 'copy down']);
const OPS = ['copy up', 'copy down', 'sync (no change)', 'bisync (no change)'] as const;
type Op = typeof OPS[number];

function filterFile(dir: string): string {
  // What `bm` writes (.bmignore → rclone filter), plus both forms so files and folders of each name are left out.
  const lines = DEFAULT_BMIGNORE.flatMap((p) => [`- ${p}`, `- ${p}/**`]);
  const f = path.join(dir, 'filter.txt');
  fs.writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

async function must(what: string, r: Promise<{ code: number; stderr: string; ms: number }>): Promise<number> {
  const res = await r;
  if (res.code !== 0) throw new Error(`${what} failed (exit ${res.code}):\n${res.stderr.slice(-2000)}`);
  return res.ms;
}

/** Copies the listed files in SHARDS parallel rclone processes (disjoint --files-from lists); returns the wall time. */
async function shardedCopy(what: string, remote: RcloneRemote, from: string, to: string, shards: string[]): Promise<number> {
  const t0 = performance.now();
  // The shard lists are already filtered (rclone refuses --filter-from next to --files-from).
  const flags = ['--transfers', String(TRANSFERS), '--checkers', String(TRANSFERS),
    ...(PACER_FLAG ? ['--webdav-pacer-min-sleep', '0'] : [])];
  await Promise.all(shards.map((list, i) => must(`${what} (shard ${i + 1})`, rclone(remote, ['copy', from, to, '--files-from', list, ...flags]))));
  return performance.now() - t0;
}

function localFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** One round of the four operations against `remote:` + `base` (a path under the remote). */
async function round(remote: RcloneRemote, base: string, corpus: string, work: string, filter: string, shards: string[], files: number,
  syncFlags: string[] = []): Promise<Record<Op, number>> {
  const target = `${remote.name}:${base}`;
  const common = ['--filter-from', filter, '--transfers', '8', '--checkers', '8'];
  const down = path.join(work, `down-${remote.name}`);
  const state = path.join(work, `bisync-${remote.name}`);
  fs.rmSync(down, { recursive: true, force: true });
  fs.rmSync(state, { recursive: true, force: true });
  await must('purge', rclone(remote, ['purge', target]).then((r) => ({ ...r, code: r.code === 3 || /not found/i.test(r.stderr) ? 0 : r.code })));
  await must('mkdir', rclone(remote, ['mkdir', target]));
  const t: Partial<Record<Op, number>> = {};
  t['copy up'] = await shardedCopy('copy up', remote, corpus, target, shards);
  // Correctness, off the clock: every file arrived, and came back down byte for byte.
  const size = await rclone(remote, ['size', target, '--json']);
  const upCount = size.code === 0 ? (JSON.parse(size.stdout) as { count: number }).count : -1;
  if (upCount !== files) throw new Error(`copy up to ${remote.name}: ${upCount} files arrived of ${files}`);
  t['copy down'] = await shardedCopy('copy down', remote, target, down, shards);
  const downCount = localFiles(down).length;
  if (downCount !== files) throw new Error(`copy down from ${remote.name}: ${downCount} files of ${files}`);
  await must(`check down (${remote.name})`, rclone(null, ['check', corpus, down, '--filter-from', filter, '--one-way']));
  t['sync (no change)'] = await must('sync', rclone(remote, ['sync', corpus, target, ...common, ...syncFlags]));
  await must('bisync --resync', rclone(remote, ['bisync', corpus, target, '--resync', '--workdir', state, ...common]));
  t['bisync (no change)'] = await must('bisync', rclone(remote, ['bisync', corpus, target, '--workdir', state, ...common]));
  return t as Record<Op, number>;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<number> {
  console.log(`[bench] ${rcloneVersion()}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-webdav-bench-'));
  const corpus = path.join(work, 'corpus');
  const tool = path.join(ROOT, '..', 'shared', 'tools', 'make-corpus');
  if (!fs.existsSync(tool)) throw new Error(`missing ${tool}`);
  await new Promise<void>((resolve, reject) => {
    const c = spawn(tool, ['--preset', 'seed-tenant', '--out', corpus], { stdio: ['ignore', 'ignore', 'inherit'] });
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`make-corpus exited ${code}`))));
  });
  const filter = filterFile(work);
  let ref: ChildProcess | null = null;
  let app: Awaited<ReturnType<typeof startApp>> | null = null;
  try {
    // The reference: rclone's own WebDAV server over a local folder, with Basic auth like ours.
    const refRoot = path.join(work, 'reference-root');
    fs.mkdirSync(refRoot);
    ref = spawn('rclone', ['serve', 'webdav', refRoot, '--addr', `127.0.0.1:${REF_PORT}`, '--user', 'ref', '--pass', 'refpass', '--config', '/dev/null'],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitFor('rclone serve webdav', async () => (await fetch(`http://127.0.0.1:${REF_PORT}/`, { method: 'OPTIONS' })).status > 0, 30_000);
    // rclone 1.60's own server does not take X-OC-Mtime: its files get the upload time. Its no-change sync therefore
    // runs with --size-only (else every file would differ by mtime and be re-uploaded, which would flatter us); ours
    // compares size and mtime. bisync needs a remote with modtimes, so both use vendor owncloud.
    const refRemote = webdavRemote('ref', `http://127.0.0.1:${REF_PORT}/`, { user: 'ref', pass: 'refpass' });

    console.log(`[bench] starting the app on port ${PORT}…`);
    app = await startApp(PORT);
    const account = await provisionAccount(app.db);
    const pw = (await createAppPassword(app.db.db, { userId: account.userId, tenantId: account.tenantId, name: 'bench' }, { ip: null, userAgent: null }))!;
    const ours = webdavRemote('ours', `${app.url}/proxy/webdav/`, { user: pw.row.accessKey, pass: pw.secret });
    const list = await rclone(null, ['lsf', '-R', '--files-only', corpus, '--filter-from', filter]);
    if (list.code !== 0) throw new Error(`listing the corpus failed: ${list.stderr}`);
    const names = list.stdout.split('\n').filter(Boolean);
    const files = names.length;
    // Round-robin shards of the sorted list: each holds files from every folder, so no shard finishes long after the rest.
    const shards = Array.from({ length: SHARDS }, (_, i) => {
      const f = path.join(work, `shard-${i}.txt`);
      fs.writeFileSync(f, names.filter((_n, k) => k % SHARDS === i).join('\n') + '\n');
      return f;
    });
    console.log(`[bench] corpus: ${files} files after the .bmignore filter; ${ROUNDS} rounds; copies: ${PACER_FLAG
      ? `pacer off (--webdav-pacer-min-sleep 0), ${TRANSFERS} transfers`
      : `this rclone cannot switch its pacer off, so ${SHARDS} rclone processes × ${TRANSFERS} transfers on disjoint shards`}`);

    const results: Record<'ours' | 'ref', Record<Op, number>[]> = { ours: [], ref: [] };
    let peaks: Record<string, number> = { app: 0, tenant: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      const runOurs = async () => {
        const sampler = peakRssSampler({ app: () => appPids(app!.app.pid!), tenant: () => [account.tenant.pid] });
        try { results.ours.push(await round(ours, 'main/bench', corpus, work, filter, shards, files)); } finally {
          const p = sampler.stop();
          peaks = { app: Math.max(peaks.app!, p.app!), tenant: Math.max(peaks.tenant!, p.tenant!) };
        }
      };
      const runRef = async () => { results.ref.push(await round(refRemote, 'bench', corpus, work, filter, shards, files, ['--size-only'])); };
      if (r % 2 === 0) { await runOurs(); await runRef(); } else { await runRef(); await runOurs(); }
      console.log(`[bench] round ${r + 1}: ` + OPS.map((op) => `${op} ${(results.ours[r]![op] / 1000).toFixed(2)} s vs ${(results.ref[r]![op] / 1000).toFixed(2)} s`).join('; '));
    }

    console.log(`\noperation            ours (median)             rclone serve webdav       time ratio   target`);
    let ok = true;
    for (const op of OPS) {
      const o = median(results.ours.map((x) => x[op]));
      const f = median(results.ref.map((x) => x[op]));
      const ratio = o / f;
      const pass = ratio <= TARGET;
      ok &&= pass;
      const rate = (ms: number) => (COPY_OPS.has(op) ? ` (${(files / (ms / 1000)).toFixed(0).padStart(5)} files/s)` : ''.padStart(19));
      const target = COPY_OPS.has(op) ? `files/s ≥ ${(1 / TARGET).toFixed(2)} × ref` : `time ≤ ${TARGET} × ref`;
      console.log(`${op.padEnd(20)} ${(o / 1000).toFixed(2).padStart(7)} s${rate(o)} ${(f / 1000).toFixed(2).padStart(9)} s${rate(f)} ${ratio.toFixed(2).padStart(8)}   ${target} ${pass ? '✓' : '✗ MISSED'}`);
    }
    console.log(`peak RSS while ours ran: app ${mb(peaks.app!)}, tenant API ${mb(peaks.tenant!)}`);
    console.log(ok ? '\n[bench] all targets met' : '\n[bench] TARGET MISSED');
    return ok ? 0 : 1;
  } finally {
    ref?.kill('SIGTERM');
    await app?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err) => { console.error('[bench] failed:', err instanceof Error ? err.message : err); process.exit(2); });
