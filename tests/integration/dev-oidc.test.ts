// The development OpenID provider, driven by an independent client (openid-client v6): PKCE is
// required, the login form's email and "verified" box become the ID token's claims, Cancel is
// access_denied, and the same email is the same subject.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import * as oidc from 'openid-client';
import { devSubjectForEmail, startDevOidc } from '../../lib/auth/dev-oidc/server.ts';

const APP = 'http://localhost:39123';
const REDIRECT = `${APP}/api/auth/callback/oidc`;
let issuer = '';
let close: () => Promise<void> = async () => {};
let config: oidc.Configuration;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

before(async () => {
  const started = await startDevOidc({ port: await freePort(), appUrl: APP, clientId: 'test-client', clientSecret: 'test-secret-'.repeat(3), cookieSecret: 'cookie-secret-'.repeat(3) });
  issuer = started.issuer;
  close = started.close;
  config = await oidc.discovery(new URL(issuer), 'test-client', 'test-secret-'.repeat(3), undefined, { execute: [oidc.allowInsecureRequests] });
});
after(async () => { await close(); });

/** A tiny cookie-carrying browser that never follows redirects by itself. */
function browser() {
  const jar = new Map<string, string>();
  return async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) { const [kv] = c.split(';'); const i = kv!.indexOf('='); jar.set(kv!.slice(0, i), kv!.slice(i + 1)); }
    return res;
  };
}

async function authorize(form: Record<string, string>, action: 'login' | 'abort' = 'login') {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile email', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const go = browser();
  let res = await go(url.href);
  assert.equal(res.status, 303);
  const interaction = new URL(res.headers.get('location')!, issuer);
  assert.match(interaction.pathname, /^\/interaction\/[\w-]+$/);
  const page = await go(interaction.href);
  const html = await page.text();
  assert.match(html, /Development sign-in/);
  assert.match(html, /name="verified" type="checkbox" checked/);
  res = await go(`${interaction.href}/${action}`, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  for (let hop = 0; hop < 5 && res.status >= 300 && res.status < 400; hop++) {
    const next = new URL(res.headers.get('location')!, issuer);
    if (next.href.startsWith(REDIRECT)) return { callback: next, verifier, state };
    res = await go(next.href);
  }
  assert.fail(`no callback redirect (status ${res.status})`);
}

test('discovery: loopback http issuer, S256 PKCE, email claims', () => {
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, issuer);
  assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
  assert.ok(meta.claims_supported!.includes('email_verified'));
});

test('a verified email signs in: ID token carries sub, email, email_verified=true, name', async () => {
  const { callback, verifier, state } = await authorize({ email: 'Alice@Example.com', name: 'Alice', verified: 'on' });
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
  const claims = tokens.claims()!;
  assert.equal(claims.sub, devSubjectForEmail('alice@example.com'));
  assert.equal(claims.email, 'alice@example.com');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.name, 'Alice');
});

test('unchecking "Email verified" gives email_verified=false; same email = same subject', async () => {
  const { callback, verifier, state } = await authorize({ email: 'alice@example.com' });
  const claims = (await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })).claims()!;
  assert.equal(claims.email_verified, false);
  assert.equal(claims.sub, devSubjectForEmail('ALICE@example.com'));
});

test('Cancel answers access_denied to the app', async () => {
  const { callback } = await authorize({}, 'abort');
  assert.equal(callback.searchParams.get('error'), 'access_denied');
  assert.equal(callback.searchParams.get('code'), null);
});

test('a wrong PKCE verifier cannot redeem the code; an authorization request without PKCE is refused', async () => {
  const { callback, state } = await authorize({ email: 'bob@example.com', verified: 'on' });
  await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state }));
  const noPkce = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 'x' });
  const res = await fetch(noPkce, { redirect: 'manual' });
  const loc = new URL(res.headers.get('location')!);
  assert.equal(loc.searchParams.get('error'), 'invalid_request');
});

test('the login page escapes what it echoes', async () => {
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256', login_hint: '"><script>alert(1)</script>' });
  const go = browser();
  const res = await go(url.href);
  const html = await (await go(new URL(res.headers.get('location')!, issuer).href)).text();
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&quot;&gt;&lt;script&gt;/);
});
