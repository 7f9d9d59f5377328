// The app process's `/mcp` endpoint: createMcpEndpoint wired to the configuration, the database, the shared
// access-token cache, one call budget and one call recorder (memoized on globalThis so every bundle shares them).
import { principalFromAuthorization } from '../auth/principal.ts';
import { processAccessTokenCache } from '../auth/access-token-cache.ts';
import { requestInfoFromHeaders } from '../auth/request-info.ts';
import { getConfig } from '../config/index.ts';
import { getMcpConfig } from '../config/mcp.ts';
import { getDb } from '../db/index.ts';
import { createCallBudget } from './call-budget.ts';
import { processMcpRecorder } from './call-records.ts';
import { createMcpEndpoint, type McpEndpoint } from './mcp-http.ts';
import { mcpResourceUrl } from './mcp-resource.ts';

const KEY = Symbol.for('bmc.mcpEndpoint');
type Holder = { [KEY]?: McpEndpoint };

export function mcpEndpoint(): McpEndpoint {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY];
  const { app, oauth } = getConfig();
  const config = getMcpConfig();
  // Tokens bound to a resource (MCP connections) are accepted only where that exact resource is served.
  const resource = mcpResourceUrl(app.appUrl);
  return (g[KEY] = createMcpEndpoint({
    appUrl: app.appUrl,
    config,
    // The cache is asked for per call: it exists only once this process listens for revocations, and a call that
    // came before that must not leave every later one without it.
    principalOf: async (authorization, ip) => principalFromAuthorization(authorization, ip, { db: await getDb(), tokenCache: processAccessTokenCache(oauth.accessTokenCacheMs), resource }),
    requestInfo: (req) => requestInfoFromHeaders(req.headers),
    budget: createCallBudget(config.callsPerMinute, config.burst),
    recorder: processMcpRecorder(),
  }));
}
