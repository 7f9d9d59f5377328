// Health of the control plane: the app is up, and the database answers `select 1` within 3 s.
import { getConfig } from './config/index.ts';
import { getDbHandle } from './db/index.ts';
import { APP_VERSION } from './version.ts';

export interface HealthBody {
  status: 'ok' | 'unavailable';
  version: string;
  database: { kind: 'postgres' | 'pglite'; status: 'ok' | 'unreachable'; latencyMs?: number };
  detail?: string;
}

const TIMEOUT_MS = 3000;

export async function checkHealth(): Promise<{ status: number; body: HealthBody }> {
  const kind = getConfig().app.databaseUrl ? 'postgres' : 'pglite';
  const started = performance.now();
  try {
    await withTimeout((async () => { const h = await getDbHandle(); await h.ping(); })(), TIMEOUT_MS);
    return { status: 200, body: { status: 'ok', version: APP_VERSION, database: { kind, status: 'ok', latencyMs: Math.round(performance.now() - started) } } };
  } catch {
    return {
      status: 503,
      body: {
        status: 'unavailable', version: APP_VERSION, database: { kind, status: 'unreachable' },
        detail: `The ${kind === 'postgres' ? 'Postgres database (DATABASE_URL)' : 'embedded PGlite database'} is unreachable.`,
      },
    };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); }),
  ]);
}
