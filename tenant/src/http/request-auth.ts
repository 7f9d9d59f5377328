// Every request except GET /health must be signed by the holder of the tenant credential.
import type { FastifyInstance } from 'fastify';
import { verifyRequest } from '../auth/request-signature.ts';

const UNAUTHORIZED_DETAIL = 'Invalid or missing tenant signature';

export function installRequestAuth(app: FastifyInstance, opts: { secret: string; tenantId: string }): void {
  app.addHook('onRequest', async (req, reply) => {
    // The URL as received (before the v2 rewrite): that is what the caller signed.
    const url = req.originalUrl ?? req.raw.url ?? '/';
    if ((req.method === 'GET' || req.method === 'HEAD') && (url === '/health' || url.startsWith('/health?'))) return;
    const ok = verifyRequest({ secret: opts.secret, tenantId: opts.tenantId, method: req.method, pathAndQuery: url, headers: req.headers });
    if (!ok) {
      // Same answer whatever failed: no hint for a caller probing the scheme.
      return reply.code(401).header('www-authenticate', 'BM-Signature').send({ detail: UNAUTHORIZED_DETAIL });
    }
  });
}
