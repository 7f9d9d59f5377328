// GET /health (unsigned: reveals only status, version, rebuild timing and idle time) and GET /metrics.
import type { FastifyInstance } from 'fastify';
import type { TenantRuntime } from '../../tenant-runtime.ts';

export function registerHealthRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  app.get('/health', { config: { duringRebuild: true } }, async () => {
    const s = runtime.startup;
    if (s.status === 'rebuilding') return { status: 'rebuilding', version: runtime.version, started_at: s.started_at, projects: runtime.registry.size };
    return { status: 'ok', version: runtime.version, rebuild: s.rebuild, idle_ms: runtime.idleMs() };
  });

  app.get('/metrics', { config: { duringRebuild: true } }, async (_req, reply) => {
    const { contentType, text } = await runtime.metrics.render();
    reply.header('content-type', contentType);
    return text;
  });
}
