// Overload is shed, not queued: past `max` requests in flight the tenant answers 503 + Retry-After at
// once (before authentication or any file work), so the requests it admits keep their latency and
// nothing piles up. Health checks are never shed (the supervisor must see the tenant alive).
import type { FastifyInstance } from 'fastify';

export function installConcurrencyLimit(app: FastifyInstance, max: number): void {
  if (max <= 0) return;
  let inFlight = 0;
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/health' || req.url.startsWith('/health?')) return;
    if (inFlight >= max) {
      return reply.code(503).header('retry-after', '1').header('cache-control', 'no-store').send({ detail: 'The tenant API is busy; retry in a moment.' });
    }
    inFlight++;
    reply.raw.once('close', () => { inFlight--; });
  });
}
