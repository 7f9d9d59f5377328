// Start-up sweep: temp files of writes interrupted by a crash (kill -9, power loss) are removed before the
// tenant serves anything. Only names this tenant makes are touched (confined-fs `isTempName`, plus the names
// earlier versions used); symlinks are never followed and nothing else is ever removed. Runs while the data
// dir lock is held and before the server listens, so no write of ours is in flight. Folders are listed, and temps
// unlinked, through a proven folder fd (ScanRoot), so a folder swapped for a link meanwhile leads nowhere.
import fs from 'node:fs';
import { isTempName, ScanRoot } from './confined-fs.ts';

// Names of earlier versions: `.<leaf>.<12 hex>.tmp` (atomic-write) and `.config.json.<pid>.<ms>.tmp` (config).
const LEGACY = [/^\..+\.[0-9a-f]{12}\.tmp$/, /^\.config\.json\.\d+\.\d+\.tmp$/];
export function isLeftoverTemp(name: string): boolean { return isTempName(name) || LEGACY.some((re) => re.test(name)); }

// Never written by the tenant, possibly huge: not walked.
const SKIP_DIRS = new Set(['.git', 'node_modules']);

export function sweepTempFiles(dataDir: string): string[] {
  const removed: string[] = [];
  let scan: ScanRoot;
  try { scan = new ScanRoot(dataDir); } catch { return removed; } // no data dir yet: nothing to sweep
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    try {
      scan.withDir(rel, (entries, child) => {
        for (const e of entries) {
          const childRel = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) stack.push(childRel); continue; }
          if (!e.isFile() || !isLeftoverTemp(e.name)) continue; // symlinks and others: never touched
          try { fs.unlinkSync(child(e.name)); removed.push(childRel); } catch { /* gone meanwhile */ }
        }
      });
    } catch { /* gone, or swapped for a link: not walked */ }
  }
  return removed;
}
