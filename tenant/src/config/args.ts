// Command line + environment of the tenant API, validated with zod. Flags win over env.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_IDEMPOTENCY_WINDOW_SECONDS } from '../http/idempotency.ts';

export type TenantArgs = {
  dataDir?: string;
  indexDir?: string;
  port: number;
  host: string;
  syncInterval: number;
  tenantId: string;
  logLevel: string;
  maxUploadMb: number;
  /** storage quota of the whole tenant in MiB; 0 = none */
  quotaMb: number;
  trashRetentionDays: number;
  /** How long an Idempotency-Key's first success is replayed (seconds). */
  idempotencyWindowSeconds: number;
  /** Requests in flight before more are shed with 503 + Retry-After (0 = no limit). */
  maxInFlight: number;
  /** Where the per-write note history is kept (default: beside the data dir, `<data dir>.history`). */
  historyDir?: string;
  historyMaxVersions: number;
  historyMaxAgeDays: number;
  historyMaxMb: number;
  historyMaxFileKb: number;
};

export class UsageError extends Error {}

export const USAGE = 'usage: node tenant/src/main.ts [--data-dir DIR] [--index-dir DIR] [--port N] [--host ADDR] ' +
  '[--sync-interval SECONDS] [--tenant-id ID] [--log-level LEVEL] [--max-upload-mb MB] [--quota-mb MB] [--trash-retention-days DAYS] [--idempotency-window-seconds S] [--max-in-flight N] [--history-dir DIR] [--history-max-versions N] [--history-max-age-days D] [--history-max-mb MB] [--history-max-file-kb KB]\n' +
  'env: BM_DATA_DIR BM_INDEX_DIR BM_TENANT_ID BM_TENANT_SECRET BM_SYNC_INTERVAL BM_LOG_LEVEL BM_MAX_UPLOAD_MB BM_QUOTA_MB BM_TRASH_RETENTION_DAYS BM_IDEMPOTENCY_WINDOW_SECONDS BM_MAX_IN_FLIGHT BM_NOTE_HISTORY_DIR BM_NOTE_HISTORY_MAX_VERSIONS BM_NOTE_HISTORY_MAX_AGE_DAYS BM_NOTE_HISTORY_MAX_MB BM_NOTE_HISTORY_MAX_FILE_KB';

const intFrom = (name: string, min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, `${name} must be a whole number`).transform(Number)
    .pipe(z.number().int().min(min, `${name} must be >= ${min}`).max(max, `${name} must be <= ${max}`));

const ArgsSchema = z.object({
  dataDir: z.string().min(1).optional(),
  indexDir: z.string().min(1).optional(),
  port: intFrom('--port', 0, 65535),
  host: z.string().min(1),
  syncInterval: intFrom('--sync-interval', 0, 86400),
  // The tenant id is signed into every request, so keep it to header-safe characters.
  tenantId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, '--tenant-id must be 1-128 of [A-Za-z0-9._-]'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  // PUT /{project}/resource/{path} is streamed to disk; this caps one upload (MiB).
  maxUploadMb: intFrom('--max-upload-mb', 1, 1024 * 1024),
  // Storage quota (MiB) of all projects' files together; writes past it answer 507. 0 = no quota.
  quotaMb: intFrom('--quota-mb', 0, 1024 * 1024 * 1024),
  // deleted notes, files and projects stay restorable this long (days)
  trashRetentionDays: intFrom('--trash-retention-days', 1, 3650),
  // a retry with the same Idempotency-Key within this many seconds replays the first success (at most 30 days)
  idempotencyWindowSeconds: intFrom('--idempotency-window-seconds', 1, 30 * 86_400),
  maxInFlight: intFrom('--max-in-flight', 0, 100_000),
  historyDir: z.string().min(1).optional(),
  // the note history's bounds: versions per note (0 = no history), age, bytes per tenant, largest file versioned
  historyMaxVersions: intFrom('--history-max-versions', 0, 10_000),
  historyMaxAgeDays: intFrom('--history-max-age-days', 1, 3650),
  historyMaxMb: intFrom('--history-max-mb', 1, 1024 * 1024),
  historyMaxFileKb: intFrom('--history-max-file-kb', 1, 1024 * 1024),
});

export function parseTenantArgs(argv: string[], env: Record<string, string | undefined>): TenantArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        'index-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'sync-interval': { type: 'string' },
        'tenant-id': { type: 'string' },
        'log-level': { type: 'string' },
        'max-upload-mb': { type: 'string' },
        'quota-mb': { type: 'string' },
        'trash-retention-days': { type: 'string' },
        'idempotency-window-seconds': { type: 'string' },
        'max-in-flight': { type: 'string' },
        'history-dir': { type: 'string' },
        'history-max-versions': { type: 'string' },
        'history-max-age-days': { type: 'string' },
        'history-max-mb': { type: 'string' },
        'history-max-file-kb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new UsageError('help');
  const pick = (flag: string, envName: string, fallback?: string) =>
    (values[flag] as string | undefined) ?? (env[envName] || undefined) ?? fallback;
  const parsed = ArgsSchema.safeParse({
    dataDir: values['data-dir'] as string | undefined, // BM_DATA_DIR is applied by resolveDataDir
    indexDir: values['index-dir'] as string | undefined,
    port: pick('port', 'BM_PORT', '0'),
    host: pick('host', 'BM_HOST', '127.0.0.1'),
    syncInterval: pick('sync-interval', 'BM_SYNC_INTERVAL', '30'),
    tenantId: pick('tenant-id', 'BM_TENANT_ID', 'local'),
    logLevel: pick('log-level', 'BM_LOG_LEVEL', 'info'),
    maxUploadMb: pick('max-upload-mb', 'BM_MAX_UPLOAD_MB', '100'),
    quotaMb: pick('quota-mb', 'BM_QUOTA_MB', '0'),
    trashRetentionDays: pick('trash-retention-days', 'BM_TRASH_RETENTION_DAYS', '30'),
    idempotencyWindowSeconds: pick('idempotency-window-seconds', 'BM_IDEMPOTENCY_WINDOW_SECONDS', String(DEFAULT_IDEMPOTENCY_WINDOW_SECONDS)),
    maxInFlight: pick('max-in-flight', 'BM_MAX_IN_FLIGHT', '128'),
    historyDir: pick('history-dir', 'BM_NOTE_HISTORY_DIR'),
    historyMaxVersions: pick('history-max-versions', 'BM_NOTE_HISTORY_MAX_VERSIONS', '50'),
    historyMaxAgeDays: pick('history-max-age-days', 'BM_NOTE_HISTORY_MAX_AGE_DAYS', '90'),
    historyMaxMb: pick('history-max-mb', 'BM_NOTE_HISTORY_MAX_MB', '256'),
    historyMaxFileKb: pick('history-max-file-kb', 'BM_NOTE_HISTORY_MAX_FILE_KB', '1024'),
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}
