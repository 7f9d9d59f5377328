// "A tenant was created" hook. Issue 5's provisioner registers with `onTenantCreated(listener)`
// (e.g. from instrumentation.ts); sign-in calls `notifyTenantCreated(tenant)` after the account
// transaction commits. Listeners live on globalThis so every Next bundle in the process shares them.
// A listener's failure is logged and never fails the sign-in (the provisioner also sweeps
// `status = 'provisioning'` tenants at start, so nothing is lost if a listener is not yet registered).

export interface TenantCreatedEvent {
  tenantId: string;
  ownerUserId: string;
  bucketName: string;
}

export type TenantCreatedListener = (event: TenantCreatedEvent) => void | Promise<void>;

const KEY = Symbol.for('bmc.tenantCreatedListeners');
type Holder = { [KEY]?: Set<TenantCreatedListener> };

function listeners(): Set<TenantCreatedListener> {
  const g = globalThis as Holder;
  return (g[KEY] ??= new Set());
}

/** Registers a listener; returns a function that unregisters it. */
export function onTenantCreated(listener: TenantCreatedListener): () => void {
  listeners().add(listener);
  return () => { listeners().delete(listener); };
}

/** Runs every listener; errors are reported through `onError` (default: console.error) and swallowed. */
export async function notifyTenantCreated(event: TenantCreatedEvent, onError: (err: unknown) => void = (err) => {
  console.error('[tenants] tenant-created listener failed', err instanceof Error ? err.message : err);
}): Promise<void> {
  await Promise.all([...listeners()].map(async (l) => {
    try { await l(event); } catch (err) { onError(err); }
  }));
}
