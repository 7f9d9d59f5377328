// Runs the real rclone (Debian's package) against our WebDAV: a remote defined by environment variables only
// (no user config is read or written), vendor owncloud (mtimes via X-OC-Mtime, MD5 from oc:checksums).
// A missing rclone fails the caller: install it with `apt-get install -y rclone`.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RCLONE = process.env.RCLONE_BIN ?? 'rclone';

export function rcloneVersion(): string {
  try {
    return execFileSync(RCLONE, ['version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch (e) {
    throw new Error(`rclone is required (apt-get install -y rclone): ${(e as Error).message}`);
  }
}

function obscure(secret: string): string {
  return execFileSync(RCLONE, ['obscure', secret], { encoding: 'utf8' }).trim();
}

export interface RcloneRemote { name: string; env: Record<string, string>; configFile: string }

/** A remote `name:` pointing at `url` (…/proxy/webdav/) with Basic credentials, or a bearer token. */
export function webdavRemote(name: string, url: string, auth: { user: string; pass: string } | { bearer: string }, vendor = 'owncloud'): RcloneRemote {
  const up = name.toUpperCase();
  const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-rclone-')), 'rclone.conf');
  fs.writeFileSync(configFile, '');
  const env: Record<string, string> = {
    [`RCLONE_CONFIG_${up}_TYPE`]: 'webdav',
    [`RCLONE_CONFIG_${up}_URL`]: url,
    [`RCLONE_CONFIG_${up}_VENDOR`]: vendor,
  };
  if ('bearer' in auth) env[`RCLONE_CONFIG_${up}_BEARER_TOKEN`] = auth.bearer;
  else { env[`RCLONE_CONFIG_${up}_USER`] = auth.user; env[`RCLONE_CONFIG_${up}_PASS`] = obscure(auth.pass); }
  return { name, env, configFile };
}

export interface RcloneResult { code: number; stdout: string; stderr: string; ms: number }

export function rclone(remote: RcloneRemote | null, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RcloneResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(RCLONE, [...(remote ? ['--config', remote.configFile] : []), ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...(remote?.env ?? {}), ...opts.env } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d; });
    child.stderr!.on('data', (d: Buffer) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`rclone could not run (apt-get install -y rclone): ${e.message}`)); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - t0 }); });
  });
}
