// Local driver: one child process per tenant on this machine, on loopback.
//   data  <dataRoot>/<tenant-id>/data     (the files: the truth)
//   index <indexRoot>/<tenant-id>         (SQLite index: a cache, rebuilt at start when missing)
//   log   <indexRoot>/logs/<tenant-id>.log (the tenant's stderr)
//   <indexRoot>/node-compile-cache           (Node's compile cache, shared by every tenant: see compileCacheDir)
// The credential goes in the child's environment (BM_TENANT_SECRET), never argv.
// A spare process (the tenant entry with `--spare`: node started, modules loaded) is kept ready after the first start;
// the next start hands it its tenant on stdin (credential included), so a wake skips node's start and the module load.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { probeHealth, type TenantAddress, type TenantDriver, type TenantExit, type TenantHandle, type TenantHealth, type TenantSpec } from './provisioner.ts';

export interface LocalDriverOptions {
  dataRoot: string;
  indexRoot: string;
  host?: string;
  portRange?: { low: number; high: number } | null;
  syncIntervalS?: number;
  /** Per-tenant storage quota (MiB, 0 = none) and upload cap (MiB): the tenant's --quota-mb / --max-upload-mb. */
  quotaMb?: number;
  maxUploadMb?: number;
  /** days an API delete stays restorable in the tenant's trash (tenant default 30) */
  trashRetentionDays?: number;
  /** seconds an Idempotency-Key's first success is replayed (tenant default 24 h) */
  idempotencyWindowSeconds?: number;
  /** the per-write note history's bounds (tenant defaults: 50 versions, 90 days, 256 MiB, 1024 KiB) */
  noteHistory?: { maxVersions: number; maxAgeDays: number; maxMb: number; maxFileKb: number };
  startTimeoutMs?: number;
  /** Tenant entry script; default `tenant/src/main.ts` of this repo. */
  entry: string;
  nodeBin?: string;
  /** Command prefix that drops the child's capabilities (capability-drop.ts); null = start node plainly. */
  spawnPrefix?: string[] | null;
  /**
   * Snapshots (restic): the repository location (`{tenant}` replaced; null = `<dataRoot>/<id>/snapshots/repo`).
   * Each tenant's repository password is generated once into `<dataRoot>/<id>/snapshots/password` (0600).
   * Absent: the tenant runs without snapshots.
   */
  snapshots?: { repositoryTemplate: string | null } | null;
  /**
   * Node's on-disk compile cache for the tenant processes (NODE_COMPILE_CACHE): the tenant's TypeScript is
   * stripped and compiled once, not at every start or wake — about 0.35 s of CPU and 25 MB of resident memory less
   * per start. Default `<indexRoot>/node-compile-cache`; null = none. Entries are keyed by the source's hash, so an
   * updated file is compiled afresh.
   */
  compileCacheDir?: string | null;
  /**
   * Node flags of every tenant process. Default: V8's young generation capped at 2 MiB per semi-space (V8 grows it to
   * 16 MiB under a start-up index rebuild and keeps it: ~8 MB of an idle tenant's private memory; a tenant's requests
   * are small, so more frequent scavenges cost little).
   */
  nodeFlags?: string[];
  /**
   * Keep one spare tenant process ready (default true): started a second after a tenant became ready, it costs one idle
   * process per driver (measured alone: RSS 98 MB, PSS 54 MB) and takes node's start and the module load (≈ 0.2 s of
   * CPU) off the next start or wake. Only one start at a time gets it; the others spawn as before.
   */
  spare?: boolean;
  /** Extra environment for the child (e.g. BM_LOG_LEVEL). The parent's env is NOT inherited wholesale. */
  env?: Record<string, string>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const DEFAULT_NODE_FLAGS = ['--max-semi-space-size=2'];
const TENANT_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;
const EXIT_DATA_DIR_LOCKED = 3;
/** After a tenant became ready: the next spare starts then (not while the waking tenant needs the CPU). */
const SPARE_AFTER_READY_MS = 1000;

class TenantStartError extends Error {
  exit?: TenantExit;
  constructor(message: string, exit?: TenantExit) {
    super(message);
    this.exit = exit;
  }
}

export function tenantDirs(opts: { dataRoot: string; indexRoot: string }, tenantId: string) {
  if (!TENANT_ID_RE.test(tenantId) || tenantId === '.' || tenantId === '..') throw new Error('invalid tenant id');
  return {
    dataDir: path.join(opts.dataRoot, tenantId, 'data'),
    snapshotDir: path.join(opts.dataRoot, tenantId, 'snapshots'),
    historyDir: path.join(opts.dataRoot, tenantId, 'history'),
    indexDir: path.join(opts.indexRoot, tenantId),
    logFile: path.join(opts.indexRoot, 'logs', `${tenantId}.log`),
  };
}

class LocalHandle implements TenantHandle {
  tenantId: string;
  address: TenantAddress;
  pid: number | null;
  startedAt: Date;
  exited: Promise<TenantExit>;
  isExited = false;
  child: ChildProcess;
  ready: Promise<void>;
  constructor(tenantId: string, address: TenantAddress, child: ChildProcess, exited: Promise<TenantExit>, ready: Promise<void>) {
    this.tenantId = tenantId;
    this.address = address;
    this.child = child;
    this.ready = ready;
    this.pid = child.pid ?? null;
    this.startedAt = new Date();
    this.exited = exited.then((e) => { this.isExited = true; return e; });
  }
}

/** The environment every tenant child gets: just enough to run node, plus the driver's settings (not the tenant's own). */
function childEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'XDG_CACHE_HOME'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  Object.assign(env, extra ?? {});
  env.NODE_ENV = process.env.NODE_ENV === 'production' ? 'production' : 'development';
  return env;
}

/** Stops a child's pipes and handle from keeping this process alive (a spare waits for no one). */
function setRef(child: ChildProcess, on: boolean): void {
  for (const h of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void } | null>) {
    if (on) h?.ref?.(); else h?.unref?.();
  }
}

/**
 * The tenant's snapshot settings: where its restic repository is and the file holding its password. The password
 * is generated once (32 random bytes) and written 0600 with O_EXCL, so two starts never make two passwords.
 */
function snapshotSettings(cfg: { repositoryTemplate: string | null }, tenantId: string, opts: { dataRoot: string; indexRoot: string }): Record<string, string> {
  const { snapshotDir } = tenantDirs(opts, tenantId);
  fs.mkdirSync(snapshotDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(snapshotDir, 'password');
  if (!fs.existsSync(passwordFile)) {
    const tmp = path.join(snapshotDir, `.password-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try { fs.writeSync(fd, crypto.randomBytes(32).toString('base64url')); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    try { fs.linkSync(tmp, passwordFile); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
    fs.unlinkSync(tmp);
  }
  const env: Record<string, string> = {
    BM_SNAPSHOT_REPOSITORY: cfg.repositoryTemplate ? cfg.repositoryTemplate.replaceAll('{tenant}', tenantId) : path.join(snapshotDir, 'repo'),
    BM_SNAPSHOT_PASSWORD_FILE: passwordFile,
  };
  // remote repositories' credentials, from the app's own environment
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && /^(AWS_[A-Z_]+|RESTIC_REST_USERNAME|RESTIC_REST_PASSWORD)$/.test(k)) env[k] = v;
  return env;
}

function pickPort(range: { low: number; high: number } | null | undefined, attempt: number): number {
  if (!range) return 0;
  const span = range.high - range.low + 1;
  return range.low + ((Math.floor(Math.random() * span) + attempt * 7919) % span);
}

export class LocalTenantDriver implements TenantDriver {
  readonly name = 'local';
  private opts: LocalDriverOptions;
  private live = new Set<LocalHandle>();
  private spareChild: ChildProcess | null = null;
  private closed = false;

  constructor(opts: LocalDriverOptions) {
    this.opts = opts;
  }

  async start(spec: TenantSpec): Promise<TenantHandle> {
    const attempts = this.opts.portRange ? 5 : 1;
    let lastErr: unknown;
    for (let attempt = 0; attempt < attempts + 1; attempt++) {
      try {
        return await this.startOnce(spec, pickPort(this.opts.portRange, attempt));
      } catch (err) {
        lastErr = err;
        const exit = (err as TenantStartError).exit;
        // A tenant orphaned by a previous app process still holds the data dir: reap it once, then retry.
        if (exit?.code === EXIT_DATA_DIR_LOCKED) {
          if (attempt === 0 && (await this.reapOrphan(spec.tenantId))) continue;
          throw err;
        }
        if (!this.opts.portRange) throw err;
      }
    }
    throw lastErr;
  }

  private startOnce(spec: TenantSpec, port: number): Promise<TenantHandle> {
    const { dataDir, indexDir, logFile, historyDir } = tenantDirs(this.opts, spec.tenantId);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(indexDir, { recursive: true });
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const host = this.opts.host ?? '127.0.0.1';
    const args = [
      this.opts.entry,
      '--data-dir', dataDir,
      '--index-dir', indexDir,
      '--port', String(port),
      '--host', host,
      '--tenant-id', spec.tenantId,
      '--sync-interval', String(this.opts.syncIntervalS ?? 30),
      ...(this.opts.quotaMb ? ['--quota-mb', String(this.opts.quotaMb)] : []),
      ...(this.opts.maxUploadMb ? ['--max-upload-mb', String(this.opts.maxUploadMb)] : []),
      ...(this.opts.trashRetentionDays ? ['--trash-retention-days', String(this.opts.trashRetentionDays)] : []),
      ...(this.opts.idempotencyWindowSeconds ? ['--idempotency-window-seconds', String(this.opts.idempotencyWindowSeconds)] : []),
      '--history-dir', historyDir,
      ...(this.opts.noteHistory ? ['--history-max-versions', String(this.opts.noteHistory.maxVersions), '--history-max-age-days', String(this.opts.noteHistory.maxAgeDays),
        '--history-max-mb', String(this.opts.noteHistory.maxMb), '--history-max-file-kb', String(this.opts.noteHistory.maxFileKb)] : []),
    ];
    const tenantEnv: Record<string, string> = { BM_TENANT_SECRET: spec.secret, ...(this.opts.snapshots ? snapshotSettings(this.opts.snapshots, spec.tenantId, this.opts) : {}) };
    const cwd = path.dirname(dataDir);
    const spare = this.takeSpare();
    let child: ChildProcess;
    if (spare) {
      child = spare;
      setRef(child, true);
      child.stdin!.end(JSON.stringify({ argv: args.slice(1), env: tenantEnv, cwd }) + '\n');
    } else {
      const [cmd, ...cmdArgs] = this.command(args);
      // setpriv execs node in place: the child's pid is the tenant's pid, so signals reach it unchanged.
      child = spawn(cmd!, cmdArgs, { env: { ...this.baseEnv(), ...tenantEnv } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], cwd });
    }
    const log = fs.createWriteStream(logFile, { flags: 'a' });
    const stderrTail: string[] = [];
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      log.write(line + '\n');
      stderrTail.push(line.length > 500 ? line.slice(0, 500) + '…' : line);
      if (stderrTail.length > 20) stderrTail.shift();
    });
    const exited = new Promise<TenantExit>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: string | null) => {
        if (done) return;
        done = true;
        // Give the stderr reader a moment to drain the last lines.
        setTimeout(() => { log.end(); resolve({ code, signal, stderrTail: [...stderrTail] }); }, 20);
      };
      child.once('exit', (code, signal) => finish(code, signal));
      child.once('error', (err) => { stderrTail.push(`spawn error: ${err.message}`); finish(null, null); });
    });

    return new Promise<TenantHandle>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        child.kill('SIGKILL');
        reject(new TenantStartError(`tenant did not report listening within ${this.opts.startTimeoutMs ?? 30_000} ms`));
      }, this.opts.startTimeoutMs ?? 30_000);
      timer.unref();
      let markReady = () => {};
      const ready = new Promise<void>((r) => { markReady = r; });
      const rl = readline.createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        let msg: { event?: string; host?: string; port?: number; pid?: number } | null = null;
        try { msg = JSON.parse(line); } catch { /* not for us */ }
        if (msg?.event === 'ready') { markReady(); return; }
        if (settled) return;
        if (msg?.event !== 'listening' || !Number.isInteger(msg.port)) return;
        settled = true;
        clearTimeout(timer);
        const h = msg.host && msg.host !== '0.0.0.0' && msg.host !== '::' ? msg.host : host;
        const address: TenantAddress = { host: h, port: msg.port!, baseUrl: `http://${h.includes(':') ? `[${h}]` : h}:${msg.port}` };
        const handle = new LocalHandle(spec.tenantId, address, child, exited, ready);
        this.live.add(handle);
        void handle.exited.then(() => this.live.delete(handle));
        if (this.opts.spare !== false) void ready.then(() => setTimeout(() => this.startSpare(), SPARE_AFTER_READY_MS).unref());
        resolve(handle);
      });
      void exited.then((exit) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const why = exit.code === EXIT_DATA_DIR_LOCKED ? 'data dir is locked by another tenant process' : `exited with ${exit.signal ?? `code ${exit.code}`}`;
        reject(new TenantStartError(`tenant ${why} before listening`, exit));
      });
    });
  }

  /** node, its flags and the entry, behind the capability-drop prefix. */
  private command(args: string[]): string[] {
    return [...(this.opts.spawnPrefix ?? []), this.opts.nodeBin ?? process.execPath, ...(this.opts.nodeFlags ?? DEFAULT_NODE_FLAGS), ...args];
  }

  /** Environment of every child: the basics, the driver's settings and the shared compile cache. */
  private baseEnv(): Record<string, string> {
    const compileCache = this.opts.compileCacheDir === undefined ? path.join(this.opts.indexRoot, 'node-compile-cache') : this.opts.compileCacheDir;
    return { ...(compileCache ? { NODE_COMPILE_CACHE: compileCache } : {}), ...childEnv(this.opts.env) };
  }

  /** Starts the spare process if there is none. */
  private startSpare(): void {
    if (this.closed || this.spareChild) return;
    const [cmd, ...cmdArgs] = this.command([this.opts.entry, '--spare']);
    fs.mkdirSync(this.opts.dataRoot, { recursive: true });
    const child = spawn(cmd!, cmdArgs, { env: this.baseEnv() as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], cwd: this.opts.dataRoot });
    const gone = () => { if (this.spareChild === child) this.spareChild = null; };
    child.once('exit', gone);
    child.once('error', gone);
    setRef(child, false);
    this.spareChild = child;
  }

  /** The spare, if one is alive: it is the caller's now. */
  private takeSpare(): ChildProcess | null {
    const child = this.spareChild;
    this.spareChild = null;
    if (!child || child.exitCode !== null || child.signalCode !== null || !child.stdin?.writable) {
      child?.kill('SIGKILL');
      return null;
    }
    return child;
  }

  async stop(handle: TenantHandle, graceMs = 10_000): Promise<void> {
    const h = handle as LocalHandle;
    if (h.isExited) return;
    h.child.kill('SIGTERM');
    const t = setTimeout(() => { if (!h.isExited) h.child.kill('SIGKILL'); }, graceMs);
    try { await h.exited; } finally { clearTimeout(t); }
  }

  health(address: TenantAddress, timeoutMs: number): Promise<TenantHealth> {
    return probeHealth(address, timeoutMs);
  }

  async wipeIndex(tenantId: string): Promise<void> {
    const { indexDir } = tenantDirs(this.opts, tenantId);
    await fs.promises.rm(indexDir, { recursive: true, force: true });
  }

  /** Children still alive (for shutdown). */
  get liveCount(): number {
    return this.live.size;
  }

  /** Last resort at process exit (synchronous): SIGTERM every child still alive. */
  killAllSync(): void {
    this.closed = true;
    this.spareChild?.kill('SIGTERM');
    for (const h of this.live) if (!h.isExited) { try { h.child.kill('SIGTERM'); } catch { /* gone */ } }
  }

  /** SIGTERM every child, SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.closed = true;
    this.spareChild?.kill('SIGTERM');
    this.spareChild = null;
    await Promise.all([...this.live].map((h) => this.stop(h, graceMs)));
  }

  /**
   * If the data dir lock is held by a live tenant process for this very tenant on this host (left behind
   * by an app process that died without stopping it), stop it. Returns true if something was reaped.
   */
  private async reapOrphan(tenantId: string): Promise<boolean> {
    const { dataDir } = tenantDirs(this.opts, tenantId);
    let holder: { pid?: number; host?: string };
    try { holder = JSON.parse(fs.readFileSync(path.join(dataDir, '.basic-memory', 'tenant.lock'), 'utf8')); } catch { return false; }
    if (!holder.pid || holder.host !== os.hostname()) return false;
    if ([...this.live].some((h) => h.pid === holder.pid)) return false; // ours and alive: not an orphan
    let cmdline = '';
    try { cmdline = fs.readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8').split('\0').join(' '); } catch { return false; }
    // A tenant started as a spare names no tenant in its command line; its working directory is the tenant's.
    const named = cmdline.includes(`--tenant-id ${tenantId}`) && cmdline.includes(dataDir);
    const spareOfTenant = () => { try { return cmdline.includes(`${this.opts.entry} --spare`) && fs.readlinkSync(`/proc/${holder.pid}/cwd`) === path.dirname(dataDir); } catch { return false; } };
    if (!named && !spareOfTenant()) return false;
    this.opts.log?.('reaping orphaned tenant process', { tenantId, pid: holder.pid });
    try { process.kill(holder.pid, 'SIGTERM'); } catch { return false; }
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try { process.kill(holder.pid, 0); } catch { return true; }
    }
    try { process.kill(holder.pid, 'SIGKILL'); } catch { /* gone */ }
    await new Promise((r) => setTimeout(r, 200));
    return true;
  }
}
