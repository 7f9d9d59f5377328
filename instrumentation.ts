// Runs once when the Next server process starts (Node runtime only): open the database and apply
// migrations, then start background services. PGlite allows one process per data dir, so
// everything that touches the database at runtime lives in this process.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getLogger } = await import('./lib/log.ts');
  const log = getLogger().child({ component: 'startup' });
  // The node:http edge first, before any request and whatever happens below: traversal in /proxy/*
  // request lines refused, socket peers stamped for route handlers, the Bearer /proxy/* fast path.
  const [{ installNodeRequestHook }, { tenantProxyFastPathOptions, tenantProxyWebdavOptions }] = await Promise.all([
    import('./lib/http/node-request-hook.ts'), import('./lib/tenants/proxy-deps.ts'),
  ]);
  const fastPath = tenantProxyFastPathOptions();
  const { getNetworkConfig } = await import('./lib/config/network.ts');
  const { isMcpRequestPath, serveMcpNode } = await import('./lib/mcp/mcp-node.ts');
  // Behind the front edge (npm start's default) the edge refuses on this loop's lag, reported to it over
  // IPC; shedding here as well would only be the slow refusal the edge exists to avoid.
  const [{ behindFrontEdge }, { reportLoopLagToEdge }] = await Promise.all([import('./lib/auth/request-info.ts'), import('./lib/http/load-shedding.ts')]);
  const edge = behindFrontEdge() && typeof process.send === 'function';
  // Never throws when the edge is gone (the callback takes the error): a report is not worth a crash.
  if (edge) reportLoopLagToEdge((msg) => { if (process.connected) process.send?.(msg, undefined, undefined, () => {}); });
  installNodeRequestHook({
    fastPath, webdav: tenantProxyWebdavOptions(), maxInFlight: getNetworkConfig().maxInFlight,
    maxEventLoopLagMs: edge ? 0 : getNetworkConfig().maxEventLoopLagMs, mcp: { matches: isMcpRequestPath, serve: (req, res) => serveMcpNode(req, res) },
  });
  if (edge) log.info('behind the front edge: event-loop lag reported to it, shedding decided there');
  log.info(fastPath ? 'node:http request hook on (peer stamping; tenant proxy fast path for Bearer /proxy/*)' : 'node:http request hook on (peer stamping)');
  const { getDbHandle } = await import('./lib/db/index.ts');
  try {
    const h = await getDbHandle();
    log.info({ database: h.kind }, 'database ready (migrations applied)');
    // Revoked CLI sessions (from any app instance) drop this process's cached access tokens.
    const { watchCliSessionRevocations } = await import('./lib/auth/access-token-cache.ts');
    await watchCliSessionRevocations(h);
  } catch (err) {
    // Keep serving: /api/health answers 503 and the next request retries the connection.
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'database unavailable at start');
  }

  // ─── Background services (issue 5: provisioner, collector) start here. ─────────────────────────
  // Supervisor (starts/restarts tenant API processes, one per tenant across instances via a Postgres
  // lease) + sync-run collector. New tenants (onTenantCreated) wake the supervisor; SIGTERM/SIGINT stop
  // the children. See lib/tenants/services.ts.
  try {
    const { startTenantServices } = await import('./lib/tenants/services.ts');
    await startTenantServices();
  } catch (err) {
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'tenant services failed to start');
  }
  // ────────────────────────────────────────────────────────────────────────────────────────────────
}
