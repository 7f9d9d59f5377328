// Runs Debian's `litmus` (the WebDAV compliance suite) against a URL and reads its verdicts line by line.
// litmus prints ` 3. put_get................. pass` per test and `<- summary for 'basic': …` per group;
// a group whose `init` fails stops there, so a missing test line is a failure too (see expectedTests).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LITMUS = process.env.LITMUS_BIN ?? 'litmus';

export function litmusVersion(): string {
  try {
    return execFileSync(LITMUS, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch (e) {
    throw new Error(`litmus is required (apt-get install -y litmus): ${(e as Error).message}`);
  }
}

type LitmusVerdict = 'pass' | 'FAIL' | 'SKIPPED' | 'WARNING';
/** `id` is `group/N.name` (litmus repeats names such as `propget`, so the number keeps them apart). */
interface LitmusResult { group: string; test: string; id: string; verdict: LitmusVerdict; detail: string }
export interface LitmusRun { code: number; output: string; results: LitmusResult[]; groupsRun: string[] }

/** Test lines look like ` 12. propget.............. FAIL (reason)`; the group comes from `-> running `group':`. */
function parseLitmus(output: string): { results: LitmusResult[]; groupsRun: string[] } {
  const results: LitmusResult[] = [];
  const groupsRun: string[] = [];
  let group = '';
  for (const line of output.replace(/\r/g, '\n').split('\n')) {
    const g = /^-> running `([\w-]+)'/.exec(line);
    if (g) { group = g[1]!; groupsRun.push(group); continue; }
    const m = /^\s*(\d+)\.\s+([\w-]+)\.*\s*(pass|FAIL|SKIPPED|WARNING)\b:?\s*(.*)$/.exec(line);
    if (m && group) {
      const id = `${group}/${m[1]}.${m[2]}`;
      // `WARNING:` lines follow a test's own line and are not a verdict on it.
      if (m[3] === 'WARNING') continue;
      results.push({ group, test: m[2]!, id, verdict: m[3] as LitmusVerdict, detail: m[4]!.trim() });
    }
  }
  return { results, groupsRun };
}

/** Runs the named groups (litmus' TESTS variable) against `url` with Basic credentials. */
export function runLitmus(url: string, user: string, pass: string, groups: string[], timeoutMs = 170_000): Promise<LitmusRun> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-litmus-')); // debug.log and child.log land here
  return new Promise((resolve, reject) => {
    const child = spawn(LITMUS, ['--keep-going', url, user, pass], { cwd, env: { ...process.env, TESTS: groups.join(' ') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code: code ?? -1, output: out, ...parseLitmus(out) });
    });
  });
}
