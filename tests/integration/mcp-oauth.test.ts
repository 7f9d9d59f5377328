// OAuth for MCP clients against real Postgres: the MCP TypeScript SDK's client `auth()` discovers, registers
// (DCR and a client ID metadata document), authorizes with PKCE and resource, exchanges and refreshes; then the
// rules one by one: redirect URIs, PKCE, resource binding, one-time codes, rotation with one-step grace,
// revocation (also through the cache), expired registrations, and metadata documents that are too big, too slow,
// on a private address, redirecting or lying about their client_id. Consent is decided in code here (the
// Chromium journey e2e/mcp-oauth.e2e.ts clicks it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { auth } from '@modelcontextprotocol/client';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { form, makeAccount, pkce, testConfig } from '../helpers/oauth-fixtures.ts';
import { startMcpOAuthServer, startMetadataFixtures, type McpOAuthServer } from '../helpers/mcp-oauth-server.ts';
import { MemoryOAuthProvider } from '../helpers/sdk-oauth-provider.ts';
import { readPendingRequest } from '../../lib/auth/mcp-oauth/authorization-request.ts';
import { issueAuthorizationCode, revokeMcpConnection } from '../../lib/auth/mcp-oauth/code-grant.ts';
import { pruneMcpClients } from '../../lib/auth/mcp-oauth/clients.ts';
import { fetchMetadataDocument, httpsTransport, isNonPublicAddress } from '../../lib/auth/mcp-oauth/client-metadata-fetch.ts';
import { listConnectedApps } from '../../lib/auth/mcp-oauth/connected-apps.ts';
import { handleToken, handleRevoke } from '../../lib/auth/oauth-http.ts';
import { processAccessTokenCache, watchCliSessionRevocations } from '../../lib/auth/access-token-cache.ts';
import { auditEvents, oauthAuthorizationCodes, oauthClients, oauthRefreshTokens } from '../../lib/db/schema.ts';

const ctx = { ip: '198.51.100.9', userAgent: 'browser' };
const CALLBACK = 'http://127.0.0.1:43117/callback';
const CIMD_URL = 'https://client.test/oauth/client.json';

describe('OAuth for MCP clients on postgres', () => {
  let h: TestDatabase;
  let s: McpOAuthServer;
  let fixtures: { base: string; close: () => Promise<void> };
  let slowTimer: NodeJS.Timeout | undefined;

  before(async () => {
    h = await freshDatabase('postgres');
    // The process's own cache, emptied by revocation notifications, as in the app.
    await watchCliSessionRevocations(h);
    fixtures = await startMetadataFixtures({
      '/oauth/client.json': (res) => { res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }); res.end(JSON.stringify({ client_id: CIMD_URL, client_name: 'Metadata Client', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' })); },
      '/oauth/liar.json': (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ client_id: 'https://client.test/other.json', redirect_uris: [CALLBACK] })); },
      '/oauth/huge.json': (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ client_id: 'https://client.test/oauth/huge.json', redirect_uris: [CALLBACK], client_name: 'x'.repeat(8000) })); },
      '/oauth/slow.json': (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{'); slowTimer = setTimeout(() => res.end('}'), 5000); },
      '/oauth/moved.json': (res) => { res.writeHead(302, { location: 'https://client.test/oauth/client.json' }); res.end(); },
    });
    s = await startMcpOAuthServer(h.db, (base) => ({ ...testConfig(), issuer: base, verificationUri: base + '/device' }), {
      fixturesBase: fixtures.base, tokenCache: processAccessTokenCache(60_000), metadataTimeoutMs: 500,
    });
  });
  after(async () => { clearTimeout(slowTimer); await s?.close(); await fixtures?.close(); await h?.close(); });

  const mcpUrl = () => `${s.base}/mcp`;

  /** What the consent page does when the person allows `groups`: the code, sent back with state and iss. */
  async function approve(authorizationUrl: URL, userId: string, tenantId: string, groups?: string[]): Promise<URL> {
    const res = await fetch(authorizationUrl, { redirect: 'manual' });
    assert.equal(res.status, 303, 'a valid authorization request goes on (sign-in, then consent), never 401');
    const consent = new URL(res.headers.get('location')!);
    assert.equal(consent.pathname, '/connect');
    const request = readPendingRequest(s.cfg.secret, consent.searchParams.get('request'), new Date())!;
    assert.ok(request, 'the consent page can read the signed request');
    const code = await issueAuthorizationCode(h.db, { request, userId, tenantId, groups: groups ?? request.groups }, ctx, new Date());
    const back = new URL(request.redirectUri);
    back.searchParams.set('code', code);
    if (request.state) back.searchParams.set('state', request.state);
    back.searchParams.set('iss', s.cfg.issuer);
    return back;
  }

  async function connect(provider: MemoryOAuthProvider, label: string, groups?: string[]) {
    const acct = await makeAccount(h.db, label);
    assert.equal(await auth(provider, { serverUrl: mcpUrl() }), 'REDIRECT');
    const url = provider.authorizationUrl!;
    assert.equal(url.searchParams.get('resource'), mcpUrl(), 'the SDK sends the PRM resource (RFC 8707)');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const back = await approve(url, acct.userId, acct.tenantId, groups);
    assert.equal(back.searchParams.get('state'), url.searchParams.get('state'));
    // RFC 9207: the SDK checks iss against the issuer it discovered.
    assert.equal(await auth(provider, { serverUrl: mcpUrl(), authorizationCode: back.searchParams.get('code')!, iss: back.searchParams.get('iss')! }), 'AUTHORIZED');
    return acct;
  }

  const call = (token: string, path = '/mcp') => fetch(s.base + path, { headers: { authorization: `Bearer ${token}` } });
  const token = async (params: Record<string, string>) => {
    const res = await handleToken(form('/oauth2/token', params), s.deps);
    return { status: res.status, headers: res.headers, body: await res.json() as Record<string, string | number> };
  };

  test('metadata: PRM resource is the canonical /mcp URL and names the issuer; AS metadata lists what MCP clients need', async () => {
    const prm = await (await fetch(`${s.base}/.well-known/oauth-protected-resource/mcp`)).json();
    assert.deepEqual(prm, {
      resource: mcpUrl(), authorization_servers: [s.base], scopes_supported: ['memory:read', 'memory:write', 'memory:admin'],
      bearer_methods_supported: ['header'], resource_name: 'Basic Memory Cloud', resource_documentation: `${s.base}/connected-apps`,
    });
    const as = await (await fetch(`${s.base}/.well-known/oauth-authorization-server`)).json();
    assert.equal(as.issuer, prm.authorization_servers[0]);
    assert.equal(as.authorization_endpoint, `${s.base}/oauth2/authorize`);
    assert.equal(as.registration_endpoint, `${s.base}/oauth2/register`);
    assert.equal(as.revocation_endpoint, `${s.base}/oauth2/revoke`);
    assert.equal(as.device_authorization_endpoint, `${s.base}/oauth2/device_authorization`);
    assert.deepEqual(as.response_types_supported, ['code']);
    assert.deepEqual(as.grant_types_supported, ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code']);
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
    assert.ok(as.token_endpoint_auth_methods_supported.includes('none'));
    assert.equal(as.client_id_metadata_document_supported, true);
    assert.equal(as.authorization_response_iss_parameter_supported, true);
    for (const sc of ['memory:read', 'memory:write', 'memory:admin', 'offline_access']) assert.ok(as.scopes_supported.includes(sc), sc);
  });

  test('SDK client by DCR: registers, authorizes, exchanges; the token reaches /mcp (not /api) with client, resource, scopes; refresh works', async () => {
    const provider = new MemoryOAuthProvider({ redirectUrl: CALLBACK, clientName: 'DCR Client' });
    const before401 = await fetch(mcpUrl());
    assert.equal(before401.status, 401);
    assert.match(before401.headers.get('www-authenticate')!, /resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp"/);
    const acct = await connect(provider, 'dcr', ['memory:read', 'memory:write']);
    const info = provider.client as Record<string, unknown>;
    assert.match(String(info.client_id), /^bmcl_/);
    assert.ok(!Object.values(info).includes(null), 'no optional field echoed as null');
    assert.ok(!('client_secret' in info));
    const t = provider.saved!;
    assert.equal(t.expires_in, 3600);
    assert.equal(t.scope, 'memory:read memory:write offline_access');
    assert.ok(t.refresh_token);
    const me = await (await call(t.access_token)).json();
    assert.equal(me.user, acct.userId);
    assert.equal(me.tenant, acct.tenantId);
    assert.equal(me.clientId, info.client_id);
    assert.equal(me.resource, mcpUrl());
    assert.deepEqual(me.scopes, ['memory:read', 'memory:write', 'offline_access']);
    const offResource = await call(t.access_token, '/api/me');
    assert.equal(offResource.status, 401, 'a token for /mcp is not a key to /api or /proxy');
    assert.match((await offResource.json()).detail, /another resource/);
    // Refresh through the SDK: new pair, old access token still valid until expiry, new one works.
    assert.equal(await auth(provider, { serverUrl: mcpUrl() }), 'AUTHORIZED');
    assert.notEqual(provider.saved!.refresh_token, t.refresh_token);
    assert.equal((await call(provider.saved!.access_token)).status, 200);
    const apps = await listConnectedApps(h.db, acct.userId, new Date());
    assert.equal(apps.length, 1);
    assert.equal(apps[0]!.client_name, 'DCR Client');
    assert.equal(apps[0]!.redirect_host, '127.0.0.1 (this computer)');
    assert.deepEqual(apps[0]!.groups, ['Read', 'Write and edit']);
    assert.equal(apps[0]!.registered_by, 'dynamic_registration');
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, acct.userId));
    assert.deepEqual(audit.map((a) => a.action).sort(), ['oauth.mcp.connect', 'oauth.mcp.consent']);
  });

  test('SDK client by client ID metadata document: fetched through the transport, cached, no registration', async () => {
    const provider = new MemoryOAuthProvider({ redirectUrl: CALLBACK, clientMetadataUrl: CIMD_URL });
    const acct = await connect(provider, 'cimd');
    assert.equal((provider.client as { client_id: string }).client_id, CIMD_URL);
    const me = await (await call(provider.saved!.access_token)).json();
    assert.equal(me.clientId, CIMD_URL);
    assert.deepEqual(me.scopes, ['memory:read', 'memory:write', 'memory:admin', 'offline_access']);
    const [row] = await h.db.select().from(oauthClients).where(eq(oauthClients.clientId, CIMD_URL));
    assert.equal(row!.kind, 'metadata_document');
    assert.ok(row!.metadataExpiresAt!.getTime() - Date.now() <= 600_000 && row!.metadataExpiresAt!.getTime() - Date.now() > 500_000, 'cached per Cache-Control');
    const apps = await listConnectedApps(h.db, acct.userId, new Date());
    assert.equal(apps[0]!.client_name, 'Metadata Client');
    assert.equal(apps[0]!.registered_by, 'metadata_document');
  });

  /** A fresh DCR client + code for one account, driven by hand. */
  async function handFlow(label: string, redirectUri = CALLBACK) {
    const reg = await fetch(`${s.base}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [redirectUri], client_name: label }) });
    assert.equal(reg.status, 201);
    const clientId = (await reg.json()).client_id as string;
    const acct = await makeAccount(h.db, label);
    const p = pkce();
    const url = new URL(`${s.base}/oauth2/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: p.challenge, code_challenge_method: 'S256', state: 'xyz', resource: mcpUrl(), scope: 'memory:read offline_access' })) url.searchParams.set(k, v);
    const back = await approve(url, acct.userId, acct.tenantId);
    return { clientId, acct, p, code: back.searchParams.get('code')!, back, redirectUri };
  }
  const exchange = (f: Awaited<ReturnType<typeof handFlow>>, extra: Record<string, string> = {}) => token({
    grant_type: 'authorization_code', client_id: f.clientId, code: f.code, redirect_uri: f.redirectUri, code_verifier: f.p.verifier, resource: mcpUrl(), ...extra,
  });

  test('the redirect carries code, state and iss; a code is used once (a replay revokes what it made); PKCE, redirect and resource must match', async () => {
    const f = await handFlow('code');
    assert.equal(f.back.searchParams.get('iss'), s.base);
    assert.equal(f.back.searchParams.get('state'), 'xyz');
    assert.equal((await exchange(f, { code_verifier: pkce().verifier })).body.error, 'invalid_grant');
    assert.equal((await exchange(f, { redirect_uri: 'http://127.0.0.1:43117/other' })).body.error, 'invalid_grant');
    const wrongResource = await exchange(f, { resource: 'http://elsewhere.test/mcp' });
    assert.equal(wrongResource.body.error, 'invalid_target');
    const ok = await exchange(f);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.equal((await call(String(ok.body.access_token))).status, 200);
    const replay = await exchange(f);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal((await call(String(ok.body.access_token))).status, 401, 'the replayed code revoked its connection');
    const dump = JSON.stringify(await h.db.select().from(oauthAuthorizationCodes));
    assert.ok(!dump.includes(f.code), 'codes are stored hashed');
  });

  test('refresh: rotation; the previous token is honoured until its replacement is first used, then fails; resource rechecked', async () => {
    const f = await handFlow('rotate');
    const t0 = (await exchange(f)).body;
    const base = { grant_type: 'refresh_token', client_id: f.clientId };
    const r1 = await token({ ...base, refresh_token: String(t0.refresh_token) });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refresh_token, t0.refresh_token);
    // The answer carrying r1 was "lost": the client retries with t0 and is served (r1 is dropped).
    const retry = await token({ ...base, refresh_token: String(t0.refresh_token) });
    assert.equal(retry.status, 200, 'the previous refresh token works while its replacement is unused');
    assert.equal((await token({ ...base, refresh_token: String(r1.body.refresh_token) })).body.error, 'invalid_grant', 'the lost replacement is gone');
    // Using the replacement ends the grace of t0.
    const r2 = await token({ ...base, refresh_token: String(retry.body.refresh_token) });
    assert.equal(r2.status, 200);
    assert.equal((await token({ ...base, refresh_token: String(t0.refresh_token) })).body.error, 'invalid_grant', 'after its replacement was used, the previous token fails');
    assert.equal((await token({ ...base, refresh_token: String(r2.body.refresh_token), resource: 'http://elsewhere.test/mcp' })).body.error, 'invalid_target');
    assert.equal((await token({ ...base, refresh_token: String(r2.body.refresh_token), scope: 'memory:admin' })).body.error, 'invalid_scope');
    const r3 = await token({ ...base, refresh_token: String(r2.body.refresh_token), resource: mcpUrl() });
    assert.equal(r3.status, 200);
    assert.equal(r3.body.scope, 'memory:read offline_access');
    const dump = JSON.stringify(await h.db.select().from(oauthRefreshTokens));
    assert.ok(!dump.includes(String(r3.body.refresh_token)), 'refresh tokens stored hashed');
    // A CLI refresh token's client cannot use an MCP refresh token and vice versa.
    assert.equal((await token({ grant_type: 'refresh_token', client_id: 'bmc-cli', refresh_token: String(r3.body.refresh_token) })).body.error, 'invalid_grant');
  });

  test('revocation: the revocation endpoint and Connected apps end the connection on the next call, even with the token cached', async () => {
    const f = await handFlow('revoke');
    const t = (await exchange(f)).body;
    assert.equal((await call(String(t.access_token))).status, 200);
    assert.equal((await call(String(t.access_token))).status, 200, 'second call served from the cache');
    const apps = await listConnectedApps(h.db, f.acct.userId, new Date());
    assert.ok(await revokeMcpConnection(h.db, { sessionId: apps[0]!.id, userId: f.acct.userId, reason: 'user_revoked' }, ctx, new Date()));
    assert.equal((await call(String(t.access_token))).status, 401, 'revoked: refused on the very next call');
    assert.equal((await token({ grant_type: 'refresh_token', client_id: f.clientId, refresh_token: String(t.refresh_token) })).body.error, 'invalid_grant');
    assert.equal((await listConnectedApps(h.db, f.acct.userId, new Date())).length, 0);
    const other = await makeAccount(h.db, 'intruder');
    const g = await handFlow('revoke2');
    const t2 = (await exchange(g)).body;
    const [c2] = await listConnectedApps(h.db, g.acct.userId, new Date());
    assert.equal(await revokeMcpConnection(h.db, { sessionId: c2!.id, userId: other.userId, reason: 'user_revoked' }, ctx, new Date()), false, 'nobody revokes another person\'s connection');
    const rv = await handleRevoke(form('/oauth2/revoke', { client_id: g.clientId, token: String(t2.refresh_token) }), s.deps);
    assert.equal(rv.status, 200);
    assert.equal((await call(String(t2.access_token))).status, 401);
    const actions = (await h.db.select().from(auditEvents)).map((a) => a.action);
    assert.equal(actions.filter((a) => a === 'oauth.mcp.revoke').length, 2);
  });

  test('authorize errors: bad client or redirect URI → an error page (no redirect); the rest → redirect with error, state and iss', async () => {
    const reg = await (await fetch(`${s.base}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [CALLBACK, 'https://app.example/cb', 'cursor://anysphere.cursor-mcp/oauth/callback'] }) })).json();
    const p = pkce();
    const go = (params: Record<string, string>) => {
      const url = new URL(`${s.base}/oauth2/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: reg.client_id, redirect_uri: CALLBACK, code_challenge: p.challenge, code_challenge_method: 'S256', state: 's1', ...params })) {
        if (v !== '') url.searchParams.set(k, v);
      }
      return fetch(url, { redirect: 'manual' });
    };
    for (const bad of ([{ redirect_uri: 'https://evil.example/cb' }, { redirect_uri: 'http://127.0.0.1:43117/other' }, { redirect_uri: 'http://evil.example:43117/callback' }, { client_id: 'bmcl_nope' }, { client_id: '' }] as Record<string, string>[])) {
      const r = await go(bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.headers.get('location'), null);
      assert.match(r.headers.get('content-type')!, /text\/html/);
    }
    const loopbackOtherPort = await go({ redirect_uri: 'http://127.0.0.1:5999/callback' });
    assert.equal(loopbackOtherPort.status, 303, 'loopback: any port (RFC 8252)');
    assert.equal((await go({ redirect_uri: 'cursor://anysphere.cursor-mcp/oauth/callback' })).status, 303, 'private-use scheme');
    const cases: Array<[Record<string, string>, string]> = [
      [{ code_challenge: '' }, 'invalid_request'], [{ code_challenge_method: 'plain' }, 'invalid_request'], [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ resource: 'http://elsewhere.test/mcp' }, 'invalid_target'], [{ scope: 'memory:everything' }, 'invalid_scope'],
    ];
    for (const [params, error] of cases) {
      const r = await go(params);
      assert.equal(r.status, 303);
      const loc = new URL(r.headers.get('location')!);
      assert.equal(loc.origin + loc.pathname, CALLBACK);
      assert.equal(loc.searchParams.get('error'), error, JSON.stringify(params));
      assert.equal(loc.searchParams.get('state'), 's1');
      assert.equal(loc.searchParams.get('iss'), s.base);
    }
  });

  test('registration rules: redirect URIs, public clients only, no nulls; an expired registration gets 401 invalid_client', async () => {
    const reg = (body: unknown) => fetch(`${s.base}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const uri of ['http://app.example/cb', 'javascript:alert(1)', 'https://app.example/cb#frag', 'data:text/html,x', 'notaurl']) {
      const r = await reg({ redirect_uris: [uri] });
      assert.equal(r.status, 400, uri);
      assert.match((await r.json()).error, /^invalid_(redirect_uri|client_metadata)$/);
    }
    assert.equal((await (await reg({ redirect_uris: [CALLBACK], grant_types: ['client_credentials'] })).json()).error, 'invalid_client_metadata');
    const okRes = await reg({ redirect_uris: [CALLBACK], client_name: null, client_uri: null, token_endpoint_auth_method: 'client_secret_basic' });
    assert.equal(okRes.status, 201);
    const ok = await okRes.json();
    assert.equal(ok.token_endpoint_auth_method, 'none');
    assert.ok(!('client_secret' in ok) && !('client_name' in ok) && !Object.values(ok).includes(null));
    // Never used: deleted a day later; the token endpoint then says invalid_client (401) so the client re-registers.
    const removed = await pruneMcpClients(h.db, new Date(Date.now() + 25 * 3_600_000));
    assert.ok(removed >= 1);
    const r = await token({ grant_type: 'authorization_code', client_id: ok.client_id, code: 'bmac_x', redirect_uri: CALLBACK, code_verifier: pkce().verifier });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
  });

  test('metadata documents: client_id must equal the URL; too large, too slow, redirecting or on a private address are refused', async () => {
    const p = pkce();
    const authorize = (clientId: string) => {
      const url = new URL(`${s.base}/oauth2/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, code_challenge: p.challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
      return fetch(url, { redirect: 'manual' });
    };
    const expectPage = async (clientId: string, text: RegExp) => {
      const r = await authorize(clientId);
      assert.equal(r.status, 400, clientId);
      assert.match(await r.text(), text, clientId);
    };
    await expectPage('https://client.test/oauth/liar.json', /does not equal its URL/);
    await expectPage('https://client.test/oauth/huge.json', /larger than 5120 bytes/);
    await expectPage('https://client.test/oauth/slow.json', /did not arrive within 0.5 s/);
    await expectPage('https://client.test/oauth/moved.json', /redirects/);
    await expectPage('https://client.test/', /needs a path/);
    await expectPage('http://client.test/oauth/client.json', /could not be identified/);
    // Each address may cause at most 30 fetches per 10 minutes (cached documents do not count).
    let refused = '';
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await authorize(`https://client.test/oauth/missing-${i}.json`);
      const text = await r.text();
      if (/Too many client metadata documents/.test(text)) refused = `after ${i}`;
    }
    assert.match(refused, /^after \d+$/, 'the fetch budget runs out');
    // The production transport: loopback by literal and by name are refused before any connection.
    for (const u of ['https://127.0.0.1/client.json', 'https://localhost/client.json', 'https://[::1]/c.json', 'https://169.254.169.254/latest']) {
      await assert.rejects(fetchMetadataDocument(new URL(u), httpsTransport, 2000), /private or reserved address/, u);
    }
    for (const a of ['10.1.2.3', '192.168.0.1', '172.20.0.1', '100.64.1.1', '::ffff:127.0.0.1', '::ffff:7f00:1', 'fe80::1', 'fd00::1', '0.0.0.0']) assert.ok(isNonPublicAddress(a), a);
    for (const a of ['93.184.216.34', '2606:4700::1111', '1.1.1.1']) assert.ok(!isNonPublicAddress(a), a);
  });
});
