// A running /mcp for tests: fresh Postgres, real supervised tenant processes, the endpoint over node:http, and
// accounts with CLI-session Bearer tokens. Shared by the SDK-client test and the Inspector/conformance test.
import { freshDatabase, type TestDatabase } from './test-db.ts';
import { makeAccount } from './oauth-fixtures.ts';
import { mintToken, serveFetch } from './mcp-fixtures.ts';
import { AUTH_SECRET, makeDriver, makeSupervisor, tempRoot, tenantState, waitFor } from './tenant-fixtures.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import type { TenantProxyDeps } from '../../lib/tenants/tenant-proxy.ts';
import { principalFromAuthorization, type Principal } from '../../lib/auth/principal.ts';
import { buildMcpConfig, mcpEnvSchema } from '../../lib/config/mcp.ts';
import { createMcpEndpoint, type McpEndpoint } from '../../lib/mcp/mcp-http.ts';
import { createCallBudget, type CallBudget } from '../../lib/mcp/call-budget.ts';
import { McpCallRecorder } from '../../lib/mcp/call-records.ts';

export interface Person { userId: string; tenantId: string; token: string; grantId: string }

export interface McpRig {
  h: TestDatabase;
  url: string;
  appUrl: string;
  recorder: McpCallRecorder;
  /** The endpoint itself (e.g. behind a test proxy that adds a header). */
  handle: McpEndpoint;
  person(label: string, opts?: { scope?: string; running?: boolean }): Promise<Person>;
  /** Another token (token family) of the same person, with these scopes. */
  token(p: Person, scope?: string): Promise<{ token: string; grantId: string }>;
  /** Tokens whose principal is changed before the endpoint sees it (e.g. bound to another resource). */
  alterPrincipal: Map<string, (p: Principal) => Principal>;
  /** Per-user budgets (others get a generous one). */
  budgets: Map<string, CallBudget>;
  close(): Promise<void>;
}

export async function startMcpRig(env: Record<string, string> = {}): Promise<McpRig> {
  const h = await freshDatabase('postgres');
  const dirs = tempRoot();
  const sup = makeSupervisor(h.db, makeDriver(dirs), { holderId: 'mcp-rig', settings: { backoffBaseMs: 1500 } });
  sup.start();
  const recorder = new McpCallRecorder(async () => h.db);
  const generous = createCallBudget(100_000, 10_000);
  const budgets = new Map<string, CallBudget>();
  const alterPrincipal = new Map<string, (p: Principal) => Principal>();
  let endpoint: McpEndpoint | null = null;
  const srv = await serveFetch((req) => endpoint!(req));
  const proxyDeps: TenantProxyDeps = { getRoute: (id) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: srv.url, subscribeUrl: 'https://example.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 20_000 };
  endpoint = createMcpEndpoint({
    appUrl: srv.url,
    config: buildMcpConfig(mcpEnvSchema.parse(env)),
    principalOf: async (authorization, ip) => {
      const p = await principalFromAuthorization(authorization, ip, { db: h.db });
      const alter = authorization ? alterPrincipal.get(authorization.replace(/^Bearer\s+/i, '')) : undefined;
      return p && alter ? alter(p) : p;
    },
    requestInfo: (req) => ({ ip: '127.0.0.1', userAgent: req.headers.get('user-agent') }),
    budget: { take: (key, now) => (budgets.get(key) ?? generous).take(key, now) },
    recorder,
    tenantProxyDeps: proxyDeps,
  });
  return {
    h, url: `${srv.url}/mcp`, appUrl: srv.url, recorder, alterPrincipal, budgets, handle: (req, edge) => endpoint!(req, edge),
    async person(label, opts = {}) {
      const a = await makeAccount(h.db, label);
      const t = await mintToken(h.db, a.userId, a.tenantId, opts.scope);
      if (opts.running !== false) await waitFor('running', async () => (await tenantState(h.db, a.tenantId)).tenant.status === 'running', 90_000);
      return { userId: a.userId, tenantId: a.tenantId, token: t.token, grantId: t.sessionId };
    },
    async token(p, scope) {
      const t = await mintToken(h.db, p.userId, p.tenantId, scope);
      return { token: t.token, grantId: t.sessionId };
    },
    async close() { await srv.close(); await sup.stop(); await h.close(); dirs.cleanup(); },
  };
}
