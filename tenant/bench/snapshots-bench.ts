// npm run bench:snapshots [-- --presets large,huge]   (or BENCH_PRESETS=…; default: large,huge)
// npm run bench:snapshots -- --quick                (or BENCH_SNAPSHOT_QUICK=1: the `large` corpus only, no `cp -a` of the whole tree)
// Per preset: builds the corpus with ../shared/tools/make-corpus (plus a 1,000-note folder to restore), starts a
// real tenant process with a local restic repository, then measures, through the tenant's signed API:
//   - note reads (GET /{project}/resource/…) at rest, then during the first snapshot (p95 against 2× p95 at rest);
//   - the first snapshot, then a snapshot after 10 changed notes (time, repository growth);
//   - restore of one deleted note (as the browser asks for it: a file, read alone with `restic dump`) and of the
//     deleted 1,000-note folder (bytes checked against the originals);
//   - references in the same run: `tar -cf` and `cp -a` of the whole tree and of the 1,000-note folder.
// Targets: incremental after 10 changes ≤ 2 s (judged on every preset; the target names 100,000 files), single-file restore ≤ 1 s,
// repository growth for 10 changed notes ≤ 1 MB, reads during a snapshot ≤ 2× their p95 at rest. Exit 1 on a miss
// or a correctness error. Figures on a shared machine are indicative.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { signRequest } from '../src/auth/request-signature.ts';
import { startTenant, type Tenant } from '../test/process/tenant-process.ts';

/** A signed JSON call with no client timeout (fetch gives up on headers after 300 s; a first snapshot can take longer). */
function call(t: Tenant, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method, pathAndQuery: p }) };
  if (payload) { headers['content-type'] = 'application/json'; headers['content-length'] = String(Buffer.byteLength(payload)); }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: t.port, method, path: p, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => { let b: unknown = text; try { b = JSON.parse(text); } catch { /* text */ } resolve({ status: res.statusCode ?? 0, body: b }); });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** CPU seconds of the tenant process and its reaped children (restic) so far: a figure contention does not inflate. */
function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // fields 14–17 of stat (utime, stime, cutime, cstime); after "pid (comm) " they start at index 11
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

const repo = path.resolve(import.meta.dirname, '..', '..');
const MAKE_CORPUS = path.resolve(repo, '../shared/tools/make-corpus');
const argIdx = process.argv.indexOf('--presets');
const quick = process.argv.includes('--quick') || process.env.BENCH_SNAPSHOT_QUICK === '1';
const presets = (argIdx > 0 ? process.argv[argIdx + 1]! : process.env.BENCH_PRESETS ?? (quick ? 'large' : 'large,huge')).split(',').map((s) => s.trim()).filter(Boolean);

const TARGET_INCREMENTAL_MS = 2000;
const TARGET_RESTORE_ONE_MS = 1000;
const TARGET_GROWTH_BYTES = 1024 * 1024;

type Row = { preset: string; files: number; first_ms: number; incr_ms: number; first_cpu: number; incr_cpu: number; restore_one_cpu: number; growth: number; restore_one_ms: number; restore_folder_ms: number;
  read_p95_rest: number; read_p95_during: number; reads_during: number; tar_ms: number; cp_ms: number; tar_folder_ms: number; cp_folder_ms: number; repo_bytes: number; data_bytes: number };

const p95 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0; };
const timeIt = (fn: () => void) => { const t = performance.now(); fn(); return performance.now() - t; };
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

function walkFiles(dir: string, out: string[] = [], rel = ''): string[] {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) { if (!e.name.startsWith('.')) walkFiles(dir, out, r); } else if (e.isFile() && !e.name.startsWith('.')) out.push(r);
  }
  return out;
}

function du(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

async function timedReads(t: Tenant, urls: string[], until: () => boolean, max = Infinity): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; !until() && i < max; i++) {
    const u = urls[i % urls.length]!;
    const s = performance.now();
    const r = await t.request('GET', u);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`read ${u} answered ${r.status}`);
    lat.push(performance.now() - s);
  }
  return lat;
}

async function run(preset: string): Promise<Row> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `bench-snap-${preset}-`));
  const data = path.join(root, 'data');
  try {
    execFileSync(MAKE_CORPUS, ['--preset', preset, '--out', data], { stdio: 'ignore' });
    // the project with the most files: reads, changes and restores happen there
    const projects = fs.readdirSync(data, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
    const sizes = new Map(projects.map((p) => [p, walkFiles(path.join(data, p)).length]));
    const proj = [...projects].sort((a, b) => sizes.get(b)! - sizes.get(a)!)[0]!;
    // a 1,000-note folder to delete and restore
    const bulk = path.join(data, proj, 'restore-bench');
    fs.mkdirSync(bulk, { recursive: true });
    for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(bulk, `Note ${String(i).padStart(4, '0')}.md`), `# Note ${i}\n\n${crypto.randomBytes(600).toString('base64')}\n`);
    const all = walkFiles(data);
    const notes = all.filter((f) => f.startsWith(proj + '/') && f.endsWith('.md') && !f.includes('/restore-bench/'));
    if (notes.length < 210) throw new Error(`project ${proj} has only ${notes.length} notes; the benchmark needs 210`);
    const pw = path.join(root, 'password');
    fs.writeFileSync(pw, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
    const repoDir = path.join(root, 'repo');
    console.log(`[${preset}] ${all.length} files, ${mb(du(data))}; starting the tenant (index rebuild)…`);
    const t = await startTenant({ dataDir: data, indexDir: path.join(root, 'index'), env: { BM_SNAPSHOT_REPOSITORY: repoDir, BM_SNAPSHOT_PASSWORD_FILE: pw, BM_LOG_LEVEL: 'warn' } });
    try {
      await t.waitHealthy(600_000);
      const enc = (rel: string) => rel.split('/').map(encodeURIComponent).join('/');
      const urls = notes.slice(0, 50).map((n) => `/${encodeURIComponent(proj)}/resource/${enc(n.slice(proj.length + 1))}`);
      await timedReads(t, urls, () => false, 50); // warm
      const rest = await timedReads(t, urls, () => false, 300);

      // first snapshot, with reads running against it
      let done = false;
      const t0 = performance.now();
      const c0 = cpuSeconds(t.pid);
      const snapP = call(t, 'POST', '/snapshots', { kind: 'manual', allow_init: true }).finally(() => { done = true; });
      const during = await timedReads(t, urls, () => done);
      const first = await snapP;
      const firstMs = performance.now() - t0;
      const firstCpu = cpuSeconds(t.pid) - c0; // includes the tenant serving the concurrent reads
      if (first.status !== 201) throw new Error(`first snapshot: ${first.status} ${JSON.stringify(first.body)}`);
      const repoBefore = Number(first.body.repository_bytes);

      const tarMs = timeIt(() => execFileSync('tar', ['-cf', path.join(root, 'tree.tar'), '-C', data, '.']));
      const cpMs = quick ? Number.NaN : timeIt(() => execFileSync('cp', ['-a', data, path.join(root, 'copy')]));
      fs.rmSync(path.join(root, 'copy'), { recursive: true, force: true });
      fs.rmSync(path.join(root, 'tree.tar'), { force: true });

      // 10 changed notes
      for (const n of notes.slice(100, 110)) fs.appendFileSync(path.join(data, n), `\n- [change] edited for the benchmark ${crypto.randomUUID()}\n`);
      const t1 = performance.now();
      const c1 = cpuSeconds(t.pid);
      const incr = await call(t, 'POST', '/snapshots', { kind: 'scheduled' });
      const incrMs = performance.now() - t1;
      const incrCpu = cpuSeconds(t.pid) - c1;
      if (incr.status !== 201) throw new Error(`incremental snapshot: ${incr.status} ${JSON.stringify(incr.body)}`);
      const growth = Number(incr.body.repository_bytes) - repoBefore;
      const sid = incr.body.snapshot_id as string;

      // single-file restore of a deleted note
      const one = notes[200]!;
      const oneBytes = fs.readFileSync(path.join(data, one));
      fs.rmSync(path.join(data, one));
      const t2 = performance.now();
      const c2 = cpuSeconds(t.pid);
      const r1 = await call(t, 'POST', `/snapshots/${sid}/restore`, { path: one, kind: 'file' });
      const restoreOneMs = performance.now() - t2;
      const restoreOneCpu = cpuSeconds(t.pid) - c2;
      if (r1.status !== 200 || !fs.readFileSync(path.join(data, one)).equals(oneBytes)) throw new Error(`single-file restore wrong: ${r1.status} ${JSON.stringify(r1.body).slice(0, 300)}`);

      // the 1,000-note folder: references first (same tree), then delete and restore
      const tarFolderMs = timeIt(() => execFileSync('tar', ['-cf', path.join(root, 'folder.tar'), '-C', path.join(data, proj), 'restore-bench']));
      const cpFolderMs = timeIt(() => execFileSync('cp', ['-a', bulk, path.join(root, 'folder-copy')]));
      fs.rmSync(bulk, { recursive: true });
      const t3 = performance.now();
      const r2 = await call(t, 'POST', `/snapshots/${sid}/restore`, { path: `${proj}/restore-bench` });
      const restoreFolderMs = performance.now() - t3;
      if (r2.status !== 200 || r2.body.restored.length !== 1000) throw new Error(`folder restore: ${r2.status} ${JSON.stringify(r2.body).slice(0, 300)}`);
      for (const f of fs.readdirSync(path.join(root, 'folder-copy'))) {
        if (!fs.readFileSync(path.join(bulk, f)).equals(fs.readFileSync(path.join(root, 'folder-copy', f)))) throw new Error(`restored ${f} differs`);
      }
      return { preset, files: all.length, first_ms: firstMs, incr_ms: incrMs, first_cpu: firstCpu, incr_cpu: incrCpu, restore_one_cpu: restoreOneCpu, growth, restore_one_ms: restoreOneMs, restore_folder_ms: restoreFolderMs,
        read_p95_rest: p95(rest), read_p95_during: p95(during), reads_during: during.length, tar_ms: tarMs, cp_ms: cpMs, tar_folder_ms: tarFolderMs, cp_folder_ms: cpFolderMs,
        repo_bytes: Number(incr.body.repository_bytes), data_bytes: du(data) };
    } finally {
      await t.stop();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
let failed = false;
for (const preset of presets) {
  try {
    rows.push(await run(preset));
  } catch (err) {
    console.error(`[${preset}] error: ${(err as Error).stack ?? (err as Error).message}`);
    failed = true;
  }
}

const f = (ms: number) => (Number.isNaN(ms) ? '–' : `${Math.round(ms).toLocaleString('en')} ms`);
console.log(`\n${execFileSync('restic', ['version'], { encoding: 'utf8' }).trim()}; load average before the table: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('\nWall time (CPU seconds of the tenant + restic in brackets: contention inflates the first, not the second)');
console.log('\n| preset | files | first snapshot | incremental (10 changed) | growth | restore 1 file | restore 1,000-note folder | reads p95 at rest → during first snapshot | `tar -cf` tree / folder | `cp -a` tree / folder | repository / data |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.preset} | ${r.files.toLocaleString('en')} | ${f(r.first_ms)} (${r.first_cpu.toFixed(1)} s) | ${f(r.incr_ms)} (${r.incr_cpu.toFixed(2)} s) | ${(r.growth / 1024).toFixed(0)} KB | ${f(r.restore_one_ms)} (${r.restore_one_cpu.toFixed(2)} s) | ${f(r.restore_folder_ms)} | ${r.read_p95_rest.toFixed(2)} → ${r.read_p95_during.toFixed(2)} ms (${r.reads_during} reads) | ${f(r.tar_ms)} / ${f(r.tar_folder_ms)} | ${f(r.cp_ms)} / ${f(r.cp_folder_ms)} | ${mb(r.repo_bytes)} / ${mb(r.data_bytes)} |`);
}
console.log('\nTargets:');
for (const r of rows) {
  const checks: [string, boolean, string][] = [
    ['incremental after 10 changes ≤ 2 s', r.incr_ms <= TARGET_INCREMENTAL_MS, f(r.incr_ms)],
    ['single-file restore ≤ 1 s', r.restore_one_ms <= TARGET_RESTORE_ONE_MS, f(r.restore_one_ms)],
    ['repository growth for 10 changed notes ≤ 1 MB', r.growth <= TARGET_GROWTH_BYTES, `${(r.growth / 1024).toFixed(0)} KB`],
    ['reads during a snapshot ≤ 2× p95 at rest', r.read_p95_during <= 2 * r.read_p95_rest, `${r.read_p95_during.toFixed(2)} ≤ ${(2 * r.read_p95_rest).toFixed(2)} ms`],
  ];
  for (const [what, ok, fig] of checks) {
    console.log(`  [${r.preset}] ${ok ? 'met   ' : 'MISSED'} ${what}: ${fig}`);
    if (!ok) failed = true;
  }
}
console.log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (2 shared cores: figures are indicative)`);
process.exit(failed || rows.length === 0 ? 1 : 0);
