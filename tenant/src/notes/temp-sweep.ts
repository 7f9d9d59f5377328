// Start-up sweep: temp files of writes interrupted by a crash (kill -9, power loss) are removed before the
// tenant serves anything. Only names this tenant makes are touched (confined-fs `isTempName`, plus the names
// earlier versions used); symlinks are never followed and nothing else is ever removed. Runs while the data
// dir lock is held and before the server listens, so no write of ours is in flight.
import fs from 'node:fs';
import path from 'node:path';
import { isTempName } from './confined-fs.ts';

// Names of earlier versions: `.<leaf>.<12 hex>.tmp` (atomic-write) and `.config.json.<pid>.<ms>.tmp` (config).
const LEGACY = [/^\..+\.[0-9a-f]{12}\.tmp$/, /^\.config\.json\.\d+\.\d+\.tmp$/];
export function isLeftoverTemp(name: string): boolean { return isTempName(name) || LEGACY.some((re) => re.test(name)); }

// Never written by the tenant, possibly huge: not walked.
const SKIP_DIRS = new Set(['.git', 'node_modules']);

export function sweepTempFiles(dataDir: string): string[] {
  const removed: string[] = [];
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(path.join(dataDir, rel), { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) stack.push(childRel); continue; }
      if (!e.isFile() || !isLeftoverTemp(e.name)) continue; // symlinks and others: never touched
      try { fs.unlinkSync(path.join(dataDir, childRel)); removed.push(childRel); } catch { /* gone meanwhile */ }
    }
  }
  return removed;
}
