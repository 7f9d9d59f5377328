// The bundled DEVELOPMENT OpenID provider (oidc-provider) used when OIDC_ISSUER is unset.
// Loopback only, issuer http://127.0.0.1:<DEV_OIDC_PORT>. Its login page asks for an email (and
// whether to treat it as verified) and signs in as that person; consent is granted automatically.
// It needs no database. Refuses to start when BMC_ENV=production unless DEV_OIDC_ENABLE=true.
//
//   node lib/auth/dev-oidc/server.ts       (scripts/start.mjs runs it for you)
import crypto from 'node:crypto';
import http from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { renderLoginPage, renderMessagePage } from './pages.ts';

interface DevAccount { email: string; emailVerified: boolean; name: string | null }

/** Stable subject for an email, so the same email is the same person across restarts. */
export function devSubjectForEmail(email: string): string {
  return 'dev_' + crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 24);
}

export interface DevOidcOptions {
  port: number;
  appUrl: string;
  clientId: string;
  clientSecret: string;
  cookieSecret: string;
  host?: string;
}

export async function startDevOidc(opts: DevOidcOptions): Promise<{ server: http.Server; issuer: string; close: () => Promise<void> }> {
  const host = opts.host ?? '127.0.0.1';
  const issuer = `http://${host}:${opts.port}`;
  const accounts = new Map<string, DevAccount>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'dev-' + crypto.randomBytes(4).toString('hex'), alg: 'RS256', use: 'sig' };

  // Ask for the email on every sign-in (so signing out and in as someone else just works), except
  // right after the login form was submitted in this same interaction.
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(new interactionPolicy.Check('dev_always_login', 'The development provider asks who you are every time',
    (ctx: KoaContextWithOIDC) => (ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT)));

  const configuration: Configuration = {
    clients: [{
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      client_name: 'Basic Memory Cloud (development)',
      redirect_uris: [`${opts.appUrl}/api/auth/callback/oidc`],
      post_logout_redirect_uris: [opts.appUrl],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Put the email claims in the ID token (what next-auth reads with idToken: true).
    conformIdTokenClaims: false,
    jwks: { keys: [jwk as never] },
    cookies: { keys: [opts.cookieSecret] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { policy, url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      const a = accounts.get(id);
      if (!a) return undefined;
      return {
        accountId: id,
        async claims() { return { sub: id, email: a.email, email_verified: a.emailVerified, ...(a.name ? { name: a.name } : {}) }; },
      };
    },
    // Consent is granted automatically for our one first-party client.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const oidc = ctx.oidc;
      const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) {
        const existing = await oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    async renderError(ctx: KoaContextWithOIDC, out: { error?: unknown; error_description?: unknown }) {
      ctx.type = 'html';
      ctx.body = renderMessagePage('Sign-in error', `${String(out.error)}: ${String(out.error_description ?? '')}`);
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 900, Session: 3600, Grant: 3600 },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) => console.error('[dev-oidc] server error', err.message));
  const callback = provider.callback();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const m = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(url.pathname);
    if (!m) return callback(req, res);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-frame-options', 'DENY');
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== m[1]) throw new Error('interaction mismatch');
      if (req.method === 'GET' && !m[2]) {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(renderLoginPage({ uid: details.uid, appUrl: opts.appUrl, loginHint: String(details.params.login_hint ?? '') }));
        return;
      }
      if (req.method !== 'POST') { res.statusCode = 405; res.end(); return; }
      const form = new URLSearchParams(await readBody(req));
      if (m[2] === 'abort') {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
        return;
      }
      const email = (form.get('email') ?? '').trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
        res.statusCode = 400;
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(renderLoginPage({ uid: details.uid, appUrl: opts.appUrl, loginHint: email, error: 'Enter a valid email address.' }));
        return;
      }
      const accountId = devSubjectForEmail(email);
      const name = (form.get('name') ?? '').trim().slice(0, 100) || null;
      accounts.set(accountId, { email, emailVerified: form.get('verified') === 'on', name });
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      res.statusCode = 400;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(renderMessagePage('Sign-in expired', `This sign-in attempt is no longer valid (${err instanceof Error ? err.message : 'unknown'}). Go back to the app and start again.`, opts.appUrl));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => { server.off('error', reject); resolve(); });
  });
  return { server, issuer, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => { size += c.length; if (size > 64 * 1024) { reject(new Error('body too large')); req.destroy(); } else chunks.push(c); });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// Run directly: validate config, refuse in production unless enabled, start, stop on signals.
if (import.meta.main) {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(1); }
    throw err;
  }
  const { app } = config;
  if (app.env === 'production' && process.env.DEV_OIDC_ENABLE !== 'true') {
    console.error('[dev-oidc] refusing to start: BMC_ENV=production. The development OpenID provider signs anyone in; set OIDC_ISSUER for real sign-in (or DEV_OIDC_ENABLE=true to override).');
    process.exit(1);
  }
  if (!app.oidc.devProvider) {
    console.error('[dev-oidc] OIDC_ISSUER is set; the development provider is not needed.');
    process.exit(1);
  }
  const { issuer, close } = await startDevOidc({
    port: app.oidc.devPort, appUrl: app.appUrl, clientId: app.oidc.clientId, clientSecret: app.oidc.clientSecret,
    cookieSecret: crypto.createHmac('sha256', app.authSecret).update('dev-oidc-cookies').digest('base64url'),
  });
  console.log(`[dev-oidc] development OpenID provider at ${issuer} (for ${app.appUrl})`);
  const stop = () => { void close().then(() => process.exit(0)); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
