// The folder ⇄ symlink race of the confinement tests: a tight loop in its own process (its own event loop, so it
// really races the tenant) swaps `flip` for a symlink to `outside` and back, keeping the real folder aside under a
// hidden name meanwhile. `snapshot` fingerprints a folder (names, kinds, sizes, times, inodes, bytes) to prove
// the outside was not touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FLIPPER = `
const fs = require('node:fs');
const [flip, outside] = process.argv.slice(1);
let n = 0; const asides = [];
for (;;) {
  try {
    const st = fs.lstatSync(flip, { throwIfNoEntry: false });
    if (st && st.isDirectory()) { const a = flip.replace(/flip$/, '.aside-' + (n++)); fs.renameSync(flip, a); asides.push(a); fs.symlinkSync(outside, flip); }
    else if (st && st.isSymbolicLink()) { fs.unlinkSync(flip); const a = asides.pop(); if (a) fs.renameSync(a, flip); }
    else if (!st) { const a = asides.pop(); if (a) fs.renameSync(a, flip); else fs.symlinkSync(outside, flip); }
  } catch {}
}`;

/** Starts flipping `flip` (a folder whose name is `flip`) ⇄ a symlink to `outside`. */
export function startFlipper(flip: string, outside: string): ChildProcess {
  return spawn(process.execPath, ['-e', FLIPPER, flip, outside], { stdio: 'ignore' });
}

/**
 * Resolves once the flipper has been seen with the symlink in place (its process is running and flipping), so a
 * race test never starts its rounds before the race does (a cold `node -e` start can outlast a whole fast test).
 */
export async function flipperRunning(flip: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.lstatSync(flip, { throwIfNoEntry: false })?.isSymbolicLink()) {
    if (Date.now() > deadline) throw new Error(`the flipper did not start flipping ${flip} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Stops the flipper and puts the real folder back at `flip`. */
export async function stopFlipper(flipper: ChildProcess, flip: string): Promise<void> {
  flipper.kill('SIGKILL');
  if (flipper.exitCode === null && flipper.signalCode === null) await new Promise((r) => flipper.once('exit', r));
  if (fs.lstatSync(flip, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(flip);
  if (!fs.existsSync(flip)) {
    const aside = fs.readdirSync(path.dirname(flip)).filter((n) => n.startsWith('.aside-')).sort((a, b) => Number(b.slice(7)) - Number(a.slice(7)))[0];
    if (aside) fs.renameSync(path.join(path.dirname(flip), aside), flip);
  }
}

export function snapshot(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      h.update(`${path.relative(dir, p)}|${st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'f'}|${st.size}|${st.mtimeMs}|${st.ino}\n`);
      if (st.isFile()) h.update(fs.readFileSync(p));
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return h.digest('hex');
}
