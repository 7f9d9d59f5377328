#!/usr/bin/env node
// The server behind Playwright's webServer: a fresh data dir (BMC_DATA_DIR, wiped here), then
// `scripts/start.mjs` (build when stale, development OpenID provider, next start).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';

const dir = process.env.BMC_DATA_DIR;
if (dir && path.resolve(dir).startsWith(os.tmpdir() + path.sep)) fs.rmSync(dir, { recursive: true, force: true });
await import('./start.mjs');
