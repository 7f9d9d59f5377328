// Where the tenant keeps its files (data dir) and its rebuildable index (index dir).
// Precedence for the data dir: --data-dir > BM_DATA_DIR > OS default data dir; `~` is expanded.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type PlatformEnv = {
  platform: NodeJS.Platform;
  home: string;
  env: Record<string, string | undefined>;
};

export function currentPlatformEnv(): PlatformEnv {
  // HOME wins over os.homedir() so tests (and users) can point the defaults elsewhere.
  return { platform: process.platform, home: process.env.HOME || os.homedir(), env: process.env };
}

export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

const APP_DIR = 'basic-memory-cloud';

export function defaultDataDir(pe: PlatformEnv): string {
  if (pe.platform === 'darwin') return path.join(pe.home, 'Library', 'Application Support', APP_DIR, 'tenant');
  if (pe.platform === 'win32') return path.join(pe.env.APPDATA || path.join(pe.home, 'AppData', 'Roaming'), APP_DIR, 'tenant');
  const xdg = pe.env.XDG_DATA_HOME;
  // XDG says relative values are invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(pe.home, '.local', 'share');
  return path.join(base, APP_DIR, 'tenant');
}

function defaultCacheDir(pe: PlatformEnv): string {
  if (pe.platform === 'darwin') return path.join(pe.home, 'Library', 'Caches', APP_DIR);
  if (pe.platform === 'win32') return path.join(pe.env.LOCALAPPDATA || path.join(pe.home, 'AppData', 'Local'), APP_DIR, 'cache');
  const xdg = pe.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(pe.home, '.cache');
  return path.join(base, APP_DIR);
}

export type DataDirSource = 'flag' | 'env' | 'default';

export function resolveDataDir(flag: string | undefined, pe: PlatformEnv): { dir: string; source: DataDirSource } {
  const envValue = pe.env.BM_DATA_DIR;
  const [raw, source]: [string, DataDirSource] = flag ? [flag, 'flag'] : envValue ? [envValue, 'env'] : [defaultDataDir(pe), 'default'];
  return { dir: path.resolve(expandHome(raw, pe.home)), source };
}

/** Default index dir: one per data dir, keyed by a hash of the data dir's real path. */
export function defaultIndexDir(dataDirReal: string, pe: PlatformEnv): string {
  const hash = createHash('sha256').update(dataDirReal).digest('hex').slice(0, 16);
  return path.join(defaultCacheDir(pe), 'index', hash);
}

export function resolveIndexDir(flag: string | undefined, dataDirReal: string, pe: PlatformEnv): string {
  const raw = flag || pe.env.BM_INDEX_DIR;
  return raw ? path.resolve(expandHome(raw, pe.home)) : defaultIndexDir(dataDirReal, pe);
}

/** Creates the directory if missing and returns its real path (symlinks resolved). */
export function ensureDir(dir: string, mode = 0o755): string {
  fs.mkdirSync(dir, { recursive: true, mode });
  return fs.realpathSync(dir);
}
