// GET /metrics: Prometheus text for scrapers. Not public: METRICS_TOKEN bearer, or loopback only when unset.
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { clientIpFromHeaders } from '@/lib/auth/request-info.ts';
import { jsonError, withJsonErrors } from '@/lib/http/errors.ts';
import { metricsAllowed, renderMetrics } from '@/lib/metrics/scrape.ts';

export const dynamic = 'force-dynamic';

export const GET = withJsonErrors(async (req: Request) => {
  const token = getConfig().history.metricsToken;
  if (!metricsAllowed(req.headers.get('authorization'), clientIpFromHeaders(req.headers), token)) {
    // Same answer whether a token is wrong or missing: nothing to learn by probing.
    return jsonError(token ? 401 : 403, token ? 'A valid metrics bearer token is required.' : 'Metrics are served to loopback callers only (set METRICS_TOKEN to scrape remotely).',
      token ? { headers: { 'www-authenticate': 'Bearer' } } : undefined);
  }
  const { contentType, body } = await renderMetrics(await getDb());
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
});
