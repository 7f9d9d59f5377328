// Runs the restic binary (Debian's `restic` package) for one tenant's repository. Every call names the
// repository and the password file through the environment (never argv, so `ps` shows neither), keeps restic's
// cache beside the index (a cache: rebuilt when missing), and parses restic's `--json` output.
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ResticConfig {
  /** restic repository: a local folder, `s3:…`, `rest:…` */
  repository: string;
  /** file holding the repository password (mode 0600) */
  passwordFile: string;
  /** restic's local cache folder */
  cacheDir: string;
  /** working folder of backups: the data dir (paths in snapshots are relative to it) */
  dataDir: string;
  /** extra environment for remote repositories (AWS_*, RESTIC_REST_*) */
  env?: Record<string, string>;
  /** restic executable; default `restic` on PATH */
  bin?: string;
  /** id of the key restic tries first (restic-key.ts: the repository's cheap key) */
  keyHint?: string;
}

export class ResticError extends Error {
  override name = 'ResticError';
  readonly code: number | null;
  readonly stderr: string;
  constructor(message: string, code: number | null, stderr: string) { super(message); this.code = code; this.stderr = stderr; }
  /** restic says the repository is missing or unreadable (exit 1 with these words). */
  get repositoryMissing(): boolean { return /does not exist|Is there a repository at the following location|unable to open config file|no such file or directory.*config/i.test(this.stderr); }
  get wrongPassword(): boolean { return /wrong password|no key found/i.test(this.stderr); }
  get locked(): boolean { return /repository is already locked/i.test(this.stderr); }
}

export interface ResticRun {
  stdout: string;
  stderr: string;
  code: number | null;
  /** the child's pid while it runs (tests kill it) */
  pid?: number;
}

/** The running restic children (a shutdown or a test can see them). */
const runningRestic = new Set<number>();

function resticEnv(cfg: ResticConfig): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', LANG: 'C.UTF-8',
    RESTIC_REPOSITORY: cfg.repository, RESTIC_PASSWORD_FILE: cfg.passwordFile, RESTIC_CACHE_DIR: cfg.cacheDir,
    ...cfg.env,
  };
  if (cfg.keyHint) env.RESTIC_KEY_HINT = cfg.keyHint;
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return env;
}

/**
 * One restic command; resolves with its output, rejects with ResticError on a non-zero exit.
 * `onStdout` receives the output as it comes (dump streams files); then `stdout` stays empty.
 */
export function restic(cfg: ResticConfig, args: string[], opts: { onStdout?: (chunk: Buffer) => void; okCodes?: number[]; nice?: boolean } = {}): Promise<ResticRun> {
  return new Promise((resolve, reject) => {
    const bin = cfg.bin ?? 'restic';
    const cmd = opts.nice ? 'nice' : bin;
    const argv = opts.nice ? ['-n', '10', bin, ...args] : args;
    const child = spawn(cmd, argv, { cwd: cfg.dataDir, env: resticEnv(cfg) as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) runningRestic.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => { if (opts.onStdout) opts.onStdout(c); else out.push(c); });
    child.stderr.on('data', (c: Buffer) => { if (err.length < 256) err.push(c); });
    child.on('error', (e: Error) => {
      if (child.pid) runningRestic.delete(child.pid);
      reject(new ResticError(`restic could not be started: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is not installed (apt-get install restic)' : e.message}`, null, ''));
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (child.pid) runningRestic.delete(child.pid);
      const run: ResticRun = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, pid: child.pid };
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) return resolve(run);
      const first = run.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('{')).slice(-3).join(' ');
      reject(new ResticError(`restic ${args.find((a) => !a.startsWith('-')) ?? ''} failed${signal ? ` (killed by ${signal})` : ` (exit ${code})`}${first ? `: ${first}` : ''}`, code, run.stderr));
    });
  });
}

/** JSON lines of restic's `--json` output (lines that are not JSON are skipped). */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{') && !t.startsWith('[')) continue;
    try { out.push(JSON.parse(t) as T); } catch { /* progress noise */ }
  }
  return out;
}

/** Is `repository` a folder on this machine (not s3:, rest:, sftp:, …)? */
export function isLocalRepository(repository: string): boolean {
  return path.isAbsolute(repository) || !/^[a-z0-9]+:/i.test(repository);
}
