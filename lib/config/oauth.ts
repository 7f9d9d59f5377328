// Settings of the OAuth authorization server that serves CLI login (device grant + PKCE, issue 4).
// index.ts composes this section as `getConfig().oauth`. Every variable is optional.
import { z } from 'zod';
import type { AppConfig } from './app.ts';
import { ConfigError, envBool, envInt, envString } from './env.ts';
import { liveCodeCapFor, USER_CODE_SPACE } from '../auth/user-code-space.ts';

/** The upstream `bm` CLI's built-in client id (shared/contract/upstream.md §1.1): accepted so an unmodified CLI works. */
export const UPSTREAM_CLI_CLIENT_ID = 'client_01K6KWQPW6J1M8VV7R3TZP5A6M';
const DEFAULT_CLI_CLIENT_ID = 'bmc-cli';
/** Scopes a client may ask for; the upstream CLI asks for exactly these four. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export const oauthEnvSchema = z.object({
  /** Our first-party CLI's public client id (PKCE required). */
  OAUTH_CLI_CLIENT_ID: envString().pipe(
    z.string().regex(CLIENT_ID, { error: 'expects a client id of letters, digits, . _ : - (at most 100)' }).default(DEFAULT_CLI_CLIENT_ID),
  ),
  /** Accept the upstream bm CLI's default client id as first-party too (PKCE required). */
  OAUTH_ACCEPT_UPSTREAM_CLIENT_ID: envBool(true),
  /** More public client ids, comma separated. */
  OAUTH_EXTRA_CLIENT_IDS: envString().pipe(
    z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .refine((ids) => ids.every((id) => CLIENT_ID.test(id)), { error: 'expects a comma-separated list of client ids (letters, digits, . _ : -)' })
      .default([]),
  ),
  /** Whether the extra client ids must send PKCE (S256). */
  OAUTH_EXTRA_CLIENTS_REQUIRE_PKCE: envBool(true),
  OAUTH_ACCESS_TOKEN_TTL_SECONDS: envInt(3600, 60, 86_400, 'the access-token lifetime in seconds'),
  /** How long a verified access token's principal is kept in memory (revocations clear it at once; 0 = look up every request). */
  OAUTH_ACCESS_TOKEN_CACHE_MS: envInt(5000, 0, 60_000, 'milliseconds an access-token lookup is cached (0 = off)'),
  OAUTH_REFRESH_TOKEN_TTL_SECONDS: envInt(30 * 86_400, 3600, 365 * 86_400, 'the refresh-token lifetime in seconds'),
  /** A CLI session (one `bm cloud login`) can be refreshed at most this long after sign-in. */
  OAUTH_CLI_SESSION_MAX_AGE_SECONDS: envInt(90 * 86_400, 3600, 400 * 86_400, 'the absolute CLI-session lifetime in seconds'),
  /** A CLI session unused (no request, no refresh) this long can no longer be refreshed. */
  OAUTH_CLI_SESSION_IDLE_SECONDS: envInt(30 * 86_400, 600, 400 * 86_400, 'the idle CLI-session lifetime in seconds'),
  OAUTH_DEVICE_CODE_TTL_SECONDS: envInt(600, 60, 900, 'the device-code lifetime in seconds'),
  OAUTH_DEVICE_POLL_INTERVAL_SECONDS: envInt(5, 1, 60, 'the device polling interval in seconds'),
  /** Device authorization requests per client IP per window. */
  OAUTH_DEVICE_ISSUE_LIMIT: envInt(30, 1, 1_000_000, 'the number of device requests allowed per IP per window'),
  OAUTH_DEVICE_ISSUE_WINDOW_SECONDS: envInt(600, 1, 86_400, 'the device-request limit window in seconds'),
  /** Device authorization requests per network (IPv4 /24, IPv6 /64) per window: many addresses of one network are one. */
  OAUTH_DEVICE_ISSUE_LIMIT_PER_NETWORK: envInt(60, 1, 1_000_000, 'the number of device requests allowed per /24 or /64 network per window'),
  /** Device authorization requests per IPv6 site (/48) per window: one customer holds up to 65,536 /64s. */
  OAUTH_DEVICE_ISSUE_LIMIT_PER_SITE: envInt(120, 1, 1_000_000, 'the number of device requests allowed per IPv6 /48 per window'),
  /** Device authorization requests per client id per window (0 = half the live-code cap): no one client takes the whole pool. */
  OAUTH_DEVICE_ISSUE_LIMIT_PER_CLIENT: envInt(0, 0, 10_000_000, 'the number of device requests allowed per client id per window (0 = half the live-code cap)'),
  /** Failed user-code entries on /device before the user, or the IP, is told to wait. */
  OAUTH_CODE_ENTRY_FAILURES_PER_USER: envInt(5, 1, 10_000, 'the failed code entries allowed per user per window'),
  OAUTH_CODE_ENTRY_FAILURES_PER_IP: envInt(30, 1, 100_000, 'the failed code entries allowed per IP per window'),
  /** Failed code entries across the whole service per window before everyone waits (and ops are alerted). */
  OAUTH_CODE_ENTRY_FAILURES_GLOBAL: envInt(200, 1, 10_000_000, 'the failed code entries allowed across all users per window'),
  /** Device codes waiting for approval at once, service-wide; more requests are told to retry. */
  OAUTH_DEVICE_MAX_LIVE_CODES: envInt(0, 0, 10_000_000, 'the number of device codes that may be pending at once (0 = derived from the code space)'),
  OAUTH_CODE_ENTRY_WINDOW_SECONDS: envInt(900, 1, 86_400, 'the code-entry limit window in seconds'),
  /**
   * Tests and local development only (refused with BMC_ENV=production): client ID metadata documents of these
   * https origins are fetched from local http servers instead, e.g. `https://client.test=http://127.0.0.1:6305`.
   */
  OAUTH_CLIENT_METADATA_TEST_ORIGINS: envString().pipe(
    z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .refine((pairs) => pairs.every((p) => /^https:\/\/[a-z0-9.-]+(:\d+)?=http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/i.test(p)),
        { error: 'expects comma-separated https://<host>=http://127.0.0.1:<port> pairs' })
      .transform((pairs) => Object.fromEntries(pairs.map((p) => p.split('=') as [string, string])))
      .default({}),
  ),
});

export type OAuthEnv = z.output<typeof oauthEnvSchema>;

export interface OAuthClient {
  id: string;
  name: string;
  requirePkce: boolean;
}

export interface OAuthConfig {
  /** Issuer / base URL (the app's public URL). */
  issuer: string;
  /** verification_uri of the device flow: `<appUrl>/device`. */
  verificationUri: string;
  clients: Map<string, OAuthClient>;
  cliClientId: string;
  accessTokenTtlSeconds: number;
  accessTokenCacheMs: number;
  refreshTokenTtlSeconds: number;
  cliSessionMaxAgeSeconds: number;
  cliSessionIdleSeconds: number;
  deviceCodeTtlSeconds: number;
  pollIntervalSeconds: number;
  /** slow_down is answered only to polls earlier than interval − this many seconds after the last accepted one. */
  pollToleranceSeconds: number;
  /** Upper bound of the interval after repeated slow_down. */
  maxPollIntervalSeconds: number;
  /** Per IP, per network (/24, /64), per IPv6 site (/48) and per client id; one window. */
  deviceIssueLimit: { limit: number; windowSeconds: number };
  deviceIssueLimitPerNetwork: { limit: number; windowSeconds: number };
  deviceIssueLimitPerSite: { limit: number; windowSeconds: number };
  deviceIssueLimitPerClient: { limit: number; windowSeconds: number };
  codeEntryLimit: { perUser: number; perIp: number; global: number; windowSeconds: number };
  /** Service-wide bound on pending device codes (what a guesser could hit). */
  maxLiveCodes: number;
  /** HMAC key for CSRF tokens and the signed pending-code cookie on /device. */
  secret: string;
  /** Test-only origin → local server map for client ID metadata documents (empty in production). */
  clientMetadataTestOrigins: Record<string, string>;
}

export function buildOAuthConfig(e: OAuthEnv, app: Pick<AppConfig, 'appUrl' | 'authSecret'> & { env?: AppConfig['env'] }): OAuthConfig {
  if (app.env === 'production' && Object.keys(e.OAUTH_CLIENT_METADATA_TEST_ORIGINS).length) {
    throw new ConfigError([{ variable: 'OAUTH_CLIENT_METADATA_TEST_ORIGINS', message: 'must be empty when BMC_ENV=production (it bypasses the metadata-document address checks)' }]);
  }
  const clients = new Map<string, OAuthClient>();
  clients.set(e.OAUTH_CLI_CLIENT_ID, { id: e.OAUTH_CLI_CLIENT_ID, name: 'Basic Memory CLI', requirePkce: true });
  if (e.OAUTH_ACCEPT_UPSTREAM_CLIENT_ID && !clients.has(UPSTREAM_CLI_CLIENT_ID)) {
    clients.set(UPSTREAM_CLI_CLIENT_ID, { id: UPSTREAM_CLI_CLIENT_ID, name: 'Basic Memory CLI (bm)', requirePkce: true });
  }
  for (const id of e.OAUTH_EXTRA_CLIENT_IDS) {
    if (!clients.has(id)) clients.set(id, { id, name: id, requirePkce: e.OAUTH_EXTRA_CLIENTS_REQUIRE_PKCE });
  }
  // The default cap is the most the code space allows at the global guessing budget (README "The guessing arithmetic").
  const maxLiveCodes = e.OAUTH_DEVICE_MAX_LIVE_CODES || liveCodeCapFor(
    USER_CODE_SPACE, e.OAUTH_CODE_ENTRY_FAILURES_GLOBAL, e.OAUTH_DEVICE_CODE_TTL_SECONDS, e.OAUTH_CODE_ENTRY_WINDOW_SECONDS);
  const issueWindow = e.OAUTH_DEVICE_ISSUE_WINDOW_SECONDS;
  return {
    issuer: app.appUrl,
    verificationUri: `${app.appUrl}/device`,
    clients,
    cliClientId: e.OAUTH_CLI_CLIENT_ID,
    accessTokenTtlSeconds: e.OAUTH_ACCESS_TOKEN_TTL_SECONDS,
    accessTokenCacheMs: e.OAUTH_ACCESS_TOKEN_CACHE_MS,
    refreshTokenTtlSeconds: e.OAUTH_REFRESH_TOKEN_TTL_SECONDS,
    cliSessionMaxAgeSeconds: e.OAUTH_CLI_SESSION_MAX_AGE_SECONDS,
    cliSessionIdleSeconds: e.OAUTH_CLI_SESSION_IDLE_SECONDS,
    deviceCodeTtlSeconds: e.OAUTH_DEVICE_CODE_TTL_SECONDS,
    pollIntervalSeconds: e.OAUTH_DEVICE_POLL_INTERVAL_SECONDS,
    pollToleranceSeconds: 1,
    maxPollIntervalSeconds: 60,
    deviceIssueLimit: { limit: e.OAUTH_DEVICE_ISSUE_LIMIT, windowSeconds: issueWindow },
    deviceIssueLimitPerNetwork: { limit: e.OAUTH_DEVICE_ISSUE_LIMIT_PER_NETWORK, windowSeconds: issueWindow },
    deviceIssueLimitPerSite: { limit: e.OAUTH_DEVICE_ISSUE_LIMIT_PER_SITE, windowSeconds: issueWindow },
    deviceIssueLimitPerClient: { limit: e.OAUTH_DEVICE_ISSUE_LIMIT_PER_CLIENT || Math.max(1, Math.floor(maxLiveCodes / 2)), windowSeconds: issueWindow },
    codeEntryLimit: {
      perUser: e.OAUTH_CODE_ENTRY_FAILURES_PER_USER,
      perIp: e.OAUTH_CODE_ENTRY_FAILURES_PER_IP,
      global: e.OAUTH_CODE_ENTRY_FAILURES_GLOBAL,
      windowSeconds: e.OAUTH_CODE_ENTRY_WINDOW_SECONDS,
    },
    maxLiveCodes,
    secret: app.authSecret,
    clientMetadataTestOrigins: e.OAUTH_CLIENT_METADATA_TEST_ORIGINS,
  };
}

/** Tests and the bench: this section alone from an env map. */
export function oauthConfigFrom(env: Record<string, string | undefined>, app: Pick<AppConfig, 'appUrl' | 'authSecret'>): OAuthConfig {
  return buildOAuthConfig(oauthEnvSchema.parse(env), app);
}
