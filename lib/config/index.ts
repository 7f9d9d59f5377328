// All settings, validated with zod and composed from sections so each area owns its own file:
//   app.ts (control plane, issue 2) · oauth.ts (device grant, issue 4) · tenants.ts (tenants, issue 5)
//   network.ts (trusted proxies, per-IP limits of the token endpoint) · history.ts (sync history retention, /metrics, issue 10)
//   user-content.ts (the separate origin where a person's files may be viewed inline)
// `getConfig()` is memoized per process; `loadConfig(env)` is the pure-ish form used by tests.
// A bad or missing value throws ConfigError naming every variable at fault and what it expects.
import { appEnvSchema, buildAppConfig, checkAppEnv, type AppConfig } from './app.ts';
import { ConfigError, parseEnv, type ConfigIssue } from './env.ts';
import { mcpEnvSchema } from './mcp.ts';
import { buildHistoryConfig, historyEnvSchema, type HistoryConfig } from './history.ts';
import { buildNetworkConfig, networkEnvSchema, type NetworkConfig } from './network.ts';
import { buildOAuthConfig, oauthEnvSchema, type OAuthConfig } from './oauth.ts';
import { buildTenantsConfig, tenantsEnvSchema, type TenantsConfig } from './tenants.ts';
import { buildUserContentConfig, checkUserContentEnv, userContentEnvSchema, type UserContentConfig } from './user-content.ts';
import { buildSnapshotsConfig, snapshotsEnvSchema, type SnapshotsConfig } from './snapshots.ts';

export { ConfigError } from './env.ts';
export type { AppConfig } from './app.ts';
export type { HistoryConfig } from './history.ts';
export type { NetworkConfig } from './network.ts';
export type { OAuthConfig } from './oauth.ts';
export type { TenantsConfig } from './tenants.ts';
export type { UserContentConfig } from './user-content.ts';
export type { SnapshotsConfig } from './snapshots.ts';

export interface Config {
  app: AppConfig;
  oauth: OAuthConfig;
  tenants: TenantsConfig;
  network: NetworkConfig;
  history: HistoryConfig;
  userContent: UserContentConfig;
  snapshots: SnapshotsConfig;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): Config {
  const issues: ConfigIssue[] = [];
  const appEnv = parseEnv(appEnvSchema, env, issues);
  const oauthEnv = parseEnv(oauthEnvSchema, env, issues);
  const tenantsEnv = parseEnv(tenantsEnvSchema, env, issues);
  const networkEnv = parseEnv(networkEnvSchema, env, issues);
  const historyEnv = parseEnv(historyEnvSchema, env, issues);
  const userContentEnv = parseEnv(userContentEnvSchema, env, issues);
  const snapshotsEnv = parseEnv(snapshotsEnvSchema, env, issues);
  parseEnv(mcpEnvSchema, env, issues); // validated here, read through getMcpConfig()
  if (appEnv) checkAppEnv(appEnv, issues);
  if (appEnv && userContentEnv) checkUserContentEnv(userContentEnv, appEnv.APP_URL ?? `http://localhost:${appEnv.PORT}`, issues);
  if (issues.length || !appEnv || !oauthEnv || !tenantsEnv || !networkEnv || !historyEnv || !userContentEnv || !snapshotsEnv) throw new ConfigError(issues);
  const app = buildAppConfig(appEnv, cwd);
  return { app, oauth: buildOAuthConfig(oauthEnv, app), tenants: buildTenantsConfig(tenantsEnv, app), network: buildNetworkConfig(networkEnv), history: buildHistoryConfig(historyEnv), userContent: buildUserContentConfig(userContentEnv),
    snapshots: buildSnapshotsConfig(snapshotsEnv) };
}

const KEY = Symbol.for('bmc.config');
type Holder = { [KEY]?: Config };

/** The process's validated configuration (memoized on globalThis so every bundle shares it). */
export function getConfig(): Config {
  const g = globalThis as Holder;
  return (g[KEY] ??= loadConfig());
}

/** Tests only: forget the memoized configuration. */
export function resetConfigForTests(): void {
  delete (globalThis as Holder)[KEY];
}
