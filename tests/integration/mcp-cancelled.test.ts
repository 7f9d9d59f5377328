// A tool call whose client goes away mid-call: the tenant call is stopped with it and the call is recorded as
// `cancelled` — not a tool error and not "could not reach the tenant" (a load tool closing its connections at the
// end of a timed run made those look like tenant failures). The tenant here is a real node:http server that
// answers only after the client has gone; the endpoint is the real createMcpEndpoint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpEndpoint } from '../../lib/mcp/mcp-http.ts';
import { buildMcpConfig, mcpEnvSchema } from '../../lib/config/mcp.ts';
import { createCallBudget } from '../../lib/mcp/call-budget.ts';
import type { CallRecord, McpCallRecorder } from '../../lib/mcp/call-records.ts';
import type { Principal } from '../../lib/auth/principal-type.ts';

describe('/mcp: a call the client abandons', () => {
  let tenant: http.Server;
  let arrived: () => void;
  const reached = new Promise<void>((r) => { arrived = r; });
  before(async () => {
    tenant = http.createServer((req, res) => {
      if (req.url?.startsWith('/v2/projects/')) {
        if (req.url === '/v2/projects/') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ projects: [{ id: 1, external_id: 'p1', name: 'main', path: 'main', is_default: true }], default_project: 'main' })); return; }
        arrived(); // the search: held until the caller has gone
        return;
      }
      res.writeHead(404); res.end();
    });
    await new Promise<void>((r) => tenant.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => { tenant.closeAllConnections(); await new Promise((r) => tenant.close(r)); });

  test('recorded as cancelled, counted as no error', async () => {
    const counted: CallRecord[] = [];
    const recorder = { count: (r: CallRecord) => counted.push(r), audit: () => {}, noteChanged: () => {}, flush: async () => {} } as unknown as McpCallRecorder;
    const principal = { user: { id: 'u1' }, tenant: { id: 't-cancel' }, scopes: [], via: 'token', sessionId: 'g1' } as unknown as Principal;
    const appUrl = 'http://127.0.0.1:5391';
    const endpoint = createMcpEndpoint({
      appUrl, config: buildMcpConfig(mcpEnvSchema.parse({})), principalOf: async () => principal,
      requestInfo: () => ({ ip: '127.0.0.1', userAgent: 'test' }), budget: createCallBudget(1000, 1000), recorder,
      tenantProxyDeps: {
        getRoute: async (tenantId) => ({ tenantId, bucketName: 'b', status: 'running', statusDetail: null, statusChangedAt: new Date(), desiredState: 'running',
          baseUrl: `http://127.0.0.1:${(tenant.address() as AddressInfo).port}`, nextRestartAt: null }),
        authSecret: 'cancel-secret-' + 'x'.repeat(32), appOrigin: appUrl, subscribeUrl: 'https://example.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 20_000,
      },
    });
    const ac = new AbortController();
    const answer = endpoint(new Request(`${appUrl}/mcp`, {
      method: 'POST', signal: ac.signal,
      headers: { authorization: 'Bearer x', 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: '127.0.0.1:5391',
        'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'search_notes' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_notes', arguments: { query: 'okapi' },
        _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } } }),
    }));
    await reached;
    ac.abort();
    await answer.catch(() => null);
    for (let i = 0; i < 50 && !counted.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(counted.map((c) => [c.tool, c.outcome]), [['search_notes', 'cancelled']]);
  });
});
