// The repository root, for code that runs both under plain Node/tsx and inside Next's server bundle.
// ⚠ Inside the Next bundle `import.meta.dirname` is undefined: never use it at module level in code
// reachable from app/, instrumentation.ts or proxy.ts — use REPO_ROOT instead (`next start` runs
// with the repo root as cwd; scripts/start.mjs makes sure of it).
import path from 'node:path';

export const REPO_ROOT: string = process.env.BMC_REPO_ROOT
  ?? (typeof import.meta.dirname === 'string' ? path.resolve(import.meta.dirname, '..') : process.cwd());
