// Prints curl -H arguments that sign one request to a standalone tenant API:
//   curl $(node tenant/src/sign.ts GET /projects/projects) http://127.0.0.1:PORT/projects/projects
// The secret comes from BM_TENANT_SECRET, else from <index-dir>/credential (same --data-dir /
// --index-dir / BM_DATA_DIR / BM_INDEX_DIR resolution as the server). Tenant id: --tenant-id,
// BM_TENANT_ID, else "local".
import { parseArgs } from 'node:util';
import { signRequest } from './auth/request-signature.ts';
import { credentialFilePath, readCredentialFile } from './config/credential.ts';
import { currentPlatformEnv, resolveDataDir, resolveIndexDir } from './config/data-dir.ts';
import fs from 'node:fs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'data-dir': { type: 'string' }, 'index-dir': { type: 'string' }, 'tenant-id': { type: 'string' }, format: { type: 'string' } },
});
if (positionals.length !== 2) {
  process.stderr.write('usage: node tenant/src/sign.ts METHOD PATH [--data-dir DIR] [--index-dir DIR] [--tenant-id ID] [--format curl|json]\n');
  process.exit(2);
}
const [method, pathAndQuery] = positionals as [string, string];
let secret = process.env.BM_TENANT_SECRET;
if (!secret) {
  const pe = currentPlatformEnv();
  const dataDir = resolveDataDir(values['data-dir'], pe).dir;
  const real = fs.existsSync(dataDir) ? fs.realpathSync(dataDir) : dataDir;
  const file = credentialFilePath(resolveIndexDir(values['index-dir'], real, pe));
  secret = readCredentialFile(file) ?? undefined;
  if (!secret) {
    process.stderr.write(`no BM_TENANT_SECRET and no credential at ${file}\n`);
    process.exit(1);
  }
}
const headers = signRequest({ secret, tenantId: values['tenant-id'] ?? process.env.BM_TENANT_ID ?? 'local', method, pathAndQuery });
if (values.format === 'json') process.stdout.write(JSON.stringify(headers) + '\n');
else process.stdout.write(Object.entries(headers).map(([k, v]) => `-H ${k}:${v}`).join(' ') + '\n');
