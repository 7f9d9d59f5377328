// Tenant API process: `node tenant/src/main.ts --data-dir DIR [--index-dir DIR] [--port N] [--host H]
// [--sync-interval S] [--tenant-id ID]`. Prints one JSON line on stdout when listening
// ({"event":"listening","host","port","pid"}), then {"event":"ready"} once the start-up rebuild or catch-up is done
// and every route serves; every other log line goes to stderr (pino).
// Exit codes: 0 clean shutdown, 1 start-up failure, 2 bad usage, 3 data dir locked by another process.
// `main.ts --spare`: a process started ahead of need (the local driver keeps one): node is up and every module loaded;
// it waits for one line on stdin, {"argv": [...], "env": {...}, "cwd": "..."}, and becomes that tenant. A wake then
// skips node's start and the module load. It exits when stdin ends first (its app is gone).
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import pino from 'pino';
import { z } from 'zod';
import { loadOrCreateCredential } from './config/credential.ts';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from './config/data-dir-lock.ts';
import { currentPlatformEnv, ensureDir, resolveDataDir, resolveIndexDir } from './config/data-dir.ts';
import { parseTenantArgs, USAGE, UsageError, type TenantArgs } from './config/args.ts';
import { buildServer } from './http/server.ts';
import { TenantRuntime } from './tenant-runtime.ts';

export const EXIT_USAGE = 2;
export const EXIT_LOCKED = 3;

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A spare's assignment: the tenant's arguments, its own environment (credential, snapshot settings) and directory. */
const SpareAssignment = z.object({ argv: z.array(z.string()), env: z.record(z.string(), z.string()), cwd: z.string() });

/** Waits for the spare's assignment on stdin; exits when stdin ends without one. */
async function awaitAssignment(): Promise<string[]> {
  const rl = readline.createInterface({ input: process.stdin });
  let line: string | null = null;
  await new Promise<void>((resolve) => {
    rl.once('line', (l) => { line = l; resolve(); });
    rl.once('close', () => { if (line === null) process.exit(0); });
  });
  rl.close();
  process.stdin.destroy();
  const a = SpareAssignment.parse(JSON.parse(line!));
  Object.assign(process.env, a.env);
  process.chdir(a.cwd);
  return a.argv;
}

async function main(): Promise<void> {
  const argv = process.argv[2] === '--spare' ? await awaitAssignment() : process.argv.slice(2);
  let args: TenantArgs;
  try {
    args = parseTenantArgs(argv, process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write((err.message === 'help' ? '' : `error: ${err.message}\n`) + USAGE + '\n');
      process.exit(err.message === 'help' ? 0 : EXIT_USAGE);
    }
    throw err;
  }
  const logger = pino({
    level: args.logLevel,
    base: { pid: process.pid, tenant: args.tenantId },
    redact: { paths: ['req.headers["x-bm-signature"]', 'headers["x-bm-signature"]', 'secret'], censor: '[redacted]' },
  }, pino.destination({ fd: 2, sync: true }));

  const pe = currentPlatformEnv();
  const { dir: dataDirWanted, source } = resolveDataDir(args.dataDir, pe);
  const dataDir = ensureDir(dataDirWanted);
  const indexDir = ensureDir(resolveIndexDir(args.indexDir, dataDir, pe), 0o700);

  let lock: DataDirLock;
  try {
    lock = acquireDataDirLock(dataDir);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(EXIT_LOCKED);
    }
    throw err;
  }
  // From here on the lock must be released however we leave.
  process.on('exit', () => lock.release());
  logger.info({ data_dir: dataDir, data_dir_source: source, index_dir: indexDir, lock: lock.path }, 'data dir locked');

  const credential = loadOrCreateCredential(process.env.BM_TENANT_SECRET, indexDir);
  // The secret never reaches argv or logs; the env copy is dropped so child processes don't inherit it.
  delete process.env.BM_TENANT_SECRET;
  if (credential.source === 'env') logger.info('tenant credential taken from BM_TENANT_SECRET');
  else logger.warn({ credential_file: credential.file }, 'no BM_TENANT_SECRET: using the standalone credential file (sign requests with `node tenant/src/sign.ts METHOD PATH`)');

  const runtime = new TenantRuntime({ dataDir, indexDir, tenantId: args.tenantId, syncIntervalSeconds: args.syncInterval, version: readVersion(), logger,
    maxUploadBytes: args.maxUploadMb * 1024 * 1024, quotaBytes: args.quotaMb * 1024 * 1024, trashRetentionDays: args.trashRetentionDays,
    idempotencyWindowSeconds: args.idempotencyWindowSeconds, snapshots: snapshotSettings(process.env),
    history: { dir: args.historyDir ?? `${dataDir.replace(/\/+$/, '')}.history`, limits: { maxVersions: args.historyMaxVersions, maxAgeDays: args.historyMaxAgeDays,
      maxTotalBytes: args.historyMaxMb * 1024 * 1024, maxFileBytes: args.historyMaxFileKb * 1024 } } });
  await runtime.prepareProjects();
  const app = buildServer({ runtime, secret: credential.secret, logger, maxInFlight: args.maxInFlight });

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      runtime.beginClose();
      await app.close();
      await runtime.close();
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
    }
    lock.release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: args.host, port: args.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : args.port;
  // The provisioner reads this exact line to learn the port.
  process.stdout.write(JSON.stringify({ event: 'listening', host: args.host, port, pid: process.pid }) + '\n');
  logger.info({ host: args.host, port }, 'listening');

  try {
    await runtime.rebuild();
    // The supervisor waits for this line rather than polling /health (a wake answers as soon as it is ready).
    if (!shuttingDown) process.stdout.write(JSON.stringify({ event: 'ready' }) + '\n');
  } catch (err) {
    if (shuttingDown) return;
    logger.fatal({ err }, 'index rebuild failed');
    await app.close().catch(() => {});
    lock.release();
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

/** BM_SNAPSHOT_REPOSITORY + BM_SNAPSHOT_PASSWORD_FILE (both, or snapshots are off); remote credentials pass through. */
function snapshotSettings(env: NodeJS.ProcessEnv): { repository: string; passwordFile: string; bin?: string; env: Record<string, string> } | undefined {
  const repository = env.BM_SNAPSHOT_REPOSITORY?.trim();
  const passwordFile = env.BM_SNAPSHOT_PASSWORD_FILE?.trim();
  if (!repository || !passwordFile) return undefined;
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && /^(AWS_[A-Z_]+|RESTIC_REST_USERNAME|RESTIC_REST_PASSWORD)$/.test(k)) extra[k] = v;
  return { repository, passwordFile, bin: env.BM_SNAPSHOT_RESTIC?.trim() || undefined, env: extra };
}
