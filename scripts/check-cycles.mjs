#!/usr/bin/env node
// `npm run check:cycles`: every circular import in the repository's own code, static or dynamic (`import()`),
// type-only imports included, resolved as TypeScript resolves them (the `@/` alias from tsconfig.json, `.ts`/`.tsx`
// extensions in specifiers). Exits 1 when there is any, so the static phase of `npm test` fails on a cycle.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const SOURCES = [
  'app/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'tenant/**/*.ts', 'cli/**/*.ts',
  'scripts/**/*.{ts,mjs}', 'bench/**/*.ts', 'tests/**/*.ts', 'e2e/**/*.ts', '*.ts',
];
const dpdm = path.join(root, 'node_modules/dpdm/lib/bin/dpdm.js');
const r = spawnSync(process.execPath, [
  dpdm, '--no-tree', '--no-warning', '--no-progress', '--circular', '--exit-code', 'circular:1',
  '--tsconfig', path.join(root, 'tsconfig.json'), ...SOURCES,
], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
