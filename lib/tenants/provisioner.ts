// The provisioner: how the control plane makes a tenant API exist somewhere and reaches it.
// The supervisor (tenant-supervisor.ts) decides *when*; a TenantDriver decides *how*. Today there is a
// local driver (child processes on loopback); a remote driver (e.g. one Fly Machine per tenant, see the
// README) implements the same interface and the supervisor, lease, proxy and collector stay as they are.

export interface TenantSpec {
  tenantId: string;
  bucketName: string;
  /** The credential the tenant will accept (BM_TENANT_SECRET); never put in argv or logs. */
  secret: string;
}

export interface TenantAddress {
  host: string;
  port: number;
  /** `http://host:port`, what the tenant proxy and collector call. */
  baseUrl: string;
}

export interface TenantExit {
  code: number | null;
  signal: string | null;
  /** Last lines the process wrote to stderr (for the tenant card's status detail). */
  stderrTail: string[];
}

/** A running (or just-exited) tenant API instance. */
export interface TenantHandle {
  tenantId: string;
  address: TenantAddress;
  /** OS pid (local) or machine id (remote), for the ops view. */
  pid: number | null;
  startedAt: Date;
  /** Resolves once, when the instance is gone (crash, stop, kill). */
  exited: Promise<TenantExit>;
  /** True once `exited` has resolved. */
  readonly isExited: boolean;
  /**
   * Resolves when the instance says it serves every route (its start-up index catch-up is done), if the driver
   * can tell; the supervisor confirms with /health. Never rejects; may never resolve (the instance exits first).
   */
  ready?: Promise<void>;
}

export type TenantHealth =
  | { state: 'ok'; version?: string; rebuild?: Record<string, unknown>; body: Record<string, unknown> }
  | { state: 'rebuilding'; body: Record<string, unknown> }
  | { state: 'unreachable'; error: string }
  | { state: 'bad'; status: number; error: string };

export interface TenantDriver {
  readonly name: string;
  /** Starts the tenant API and resolves when it listens (its address is known); rejects if it cannot start. */
  start(spec: TenantSpec): Promise<TenantHandle>;
  /** Graceful stop (SIGTERM / machine stop), forced after `graceMs`. Resolves when it is gone. */
  stop(handle: TenantHandle, graceMs?: number): Promise<void>;
  /** `GET /health` of the instance (no credential needed). */
  health(address: TenantAddress, timeoutMs: number): Promise<TenantHealth>;
  /** Throws away the tenant's index (a cache) so the next start rebuilds it from the files. */
  wipeIndex(tenantId: string): Promise<void>;
}

export async function probeHealth(address: TenantAddress, timeoutMs: number): Promise<TenantHealth> {
  let res: Response;
  try {
    res = await fetch(`${address.baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (err) {
    return { state: 'unreachable', error: (err as Error).name === 'TimeoutError' ? 'health check timed out' : String((err as Error).message ?? err) };
  }
  let body: Record<string, unknown> = {};
  try { body = (await res.json()) as Record<string, unknown>; } catch { /* not JSON */ }
  if (body.status === 'rebuilding') return { state: 'rebuilding', body };
  if (res.ok && body.status === 'ok') {
    return { state: 'ok', version: typeof body.version === 'string' ? body.version : undefined, rebuild: (body.rebuild ?? undefined) as Record<string, unknown> | undefined, body };
  }
  return { state: 'bad', status: res.status, error: `health answered ${res.status}` };
}
