// What the sync never indexes: upstream .bmignore defaults (contract §4.10) + the project's .gitignore.
// The defaults are matched by hand (a Set lookup per name), because the walk asks for every file and the
// `ignore` package costs microseconds per call; `ignore` handles the project's own .gitignore (full gitignore semantics).
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readFileConfined } from '../fs/confined-fs.ts';

// `.*` (hidden files and folders) covers .git .svn .pytest_cache .coverage .tox .mypy_cache .ruff_cache .venv
// .env .cache .idea .vscode .DS_Store .obsidian from the upstream list.
const NAMES = new Set(['config.json', '__pycache__', 'venv', 'env', 'node_modules', 'build', 'dist', 'Thumbs.db', 'desktop.ini']);
const SUFFIXES = ['.db', '.db-shm', '.db-wal', '.pyc', '.pyo', '.pyd', '.egg-info', '.tmp', '.swp', '.swo', '~'];

export const DEFAULT_BMIGNORE = [
  '.*', '*.db', '*.db-shm', '*.db-wal', 'config.json', '.git', '.svn', '__pycache__', '*.pyc', '*.pyo', '*.pyd', '.pytest_cache',
  '.coverage', '*.egg-info', '.tox', '.mypy_cache', '.ruff_cache', '.venv', 'venv', 'env', '.env', 'node_modules', 'build', 'dist',
  '.cache', '.idea', '.vscode', '.DS_Store', 'Thumbs.db', 'desktop.ini', '.obsidian', '*.tmp', '*.swp', '*.swo', '*~',
];

const NAMES_LOWER = new Set([...NAMES].map((n) => n.toLowerCase()));

/**
 * The form a name is compared in: Unicode compatibility-normalised (a fullwidth or one-dot-leader "." is a
 * dot), trailing dots and spaces dropped (Windows drops them: ".git." is ".git" there), lower case (macOS and
 * Windows do not tell ".GIT" from ".git"). Plain ASCII names without a trailing dot or space take a fast path.
 */
export function canonicalName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const n = /[^\x00-\x7f]/.test(name) ? name.normalize('NFKC') : name;
  return n.replace(/[. ]+$/, '').toLowerCase();
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const LONGEST_NAME = Math.max(...[...NAMES].map((n) => n.length));
const LONGEST_SUFFIX = Math.max(...SUFFIXES.map((s) => s.length));

// Hot path of the walk (every name of every scan): plain names skip the canonical form, and only the short
// tail that a suffix or a listed name can occupy is lower-cased.
export function ignoredByDefault(name: string): boolean {
  if (name.charCodeAt(0) === 46 /* . */) return true;
  const last = name.charCodeAt(name.length - 1);
  const n = last === 46 || last === 32 || NON_ASCII.test(name) ? canonicalName(name) : name;
  if (n === '' || n.charCodeAt(0) === 46) return true; // only dots and spaces, or a lookalike dot
  if (n.length <= LONGEST_NAME && NAMES_LOWER.has(n.toLowerCase())) return true;
  const tail = (n.length > LONGEST_SUFFIX ? n.slice(-LONGEST_SUFFIX) : n).toLowerCase();
  for (const s of SUFFIXES) if (tail.endsWith(s)) return true;
  return false;
}

export interface IgnoreRules {
  /** rel = project-relative POSIX path; name = its last segment. */
  ignoresFile(rel: string, name: string): boolean;
  ignoresDir(rel: string, name: string): boolean;
}

export function loadIgnoreRules(projectRoot: string): IgnoreRules {
  let ig: Ignore | null = null;
  try {
    // read without following links (a .gitignore swapped for a link to a file outside is not read)
    const text = readFileConfined(path.join(projectRoot, '.gitignore')).toString('utf8');
    if (text.trim()) ig = ignore().add(text);
  } catch { /* no .gitignore (or a link, or not a file) */ }
  return {
    ignoresFile: (rel, name) => ignoredByDefault(name) || (ig !== null && ig.ignores(rel)),
    ignoresDir: (rel, name) => ignoredByDefault(name) || (ig !== null && ig.ignores(`${rel}/`)),
  };
}
