// Control-plane settings (issue 2): URL/port, database, data dir, auth secret, browser sign-in (OIDC), ops.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { envBool, envEnum, envHttpUrl, envInt, envPort, envString, type ConfigIssue } from './env.ts';

export const appEnvSchema = z.object({
  BMC_ENV: envEnum(['development', 'production'] as const, 'development'),
  PORT: envPort(3000),
  APP_URL: envHttpUrl(),
  DATABASE_URL: envString().pipe(
    z.string().regex(/^postgres(ql)?:\/\/.+/, { error: 'expects a Postgres connection string such as postgres://user:pass@host:5432/db (unset = embedded PGlite)' }).optional(),
  ),
  BMC_DATA_DIR: envString(),
  AUTH_SECRET: envString().pipe(
    z.string().min(32, { error: 'expects at least 32 characters (e.g. `openssl rand -base64 32`)' }).optional(),
  ),
  OIDC_ISSUER: envHttpUrl(),
  OIDC_CLIENT_ID: envString(),
  OIDC_CLIENT_SECRET: envString(),
  OPS_EMAILS: envString().pipe(
    z.string().transform((s) => s.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean))
      .refine((list) => list.every((e) => /^[^\s@]+@[^\s@]+$/.test(e)), { error: 'expects a comma-separated list of email addresses' })
      .optional(),
  ),
  /** A browser session unused this long is over (the sign-in cookie slides by the same lifetime). */
  BROWSER_SESSION_IDLE_SECONDS: envInt(7 * 86_400, 300, 90 * 86_400, 'the idle browser-session lifetime in seconds'),
  /** A browser session is over this long after sign-in, however busy. */
  BROWSER_SESSION_MAX_AGE_SECONDS: envInt(30 * 86_400, 300, 400 * 86_400, 'the absolute browser-session lifetime in seconds'),
  DEV_OIDC_PORT: envPort(3001),
  DEV_OIDC_ENABLE: envBool(false),
  LOG_LEVEL: envEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
});

export type AppEnv = z.output<typeof appEnvSchema>;

export interface AppConfig {
  env: 'development' | 'production';
  port: number;
  /** Public URL of the app, no trailing slash (next-auth's NEXTAUTH_URL). */
  appUrl: string;
  databaseUrl: string | undefined;
  /** Absolute data directory (PGlite, auth secret, tenants' data live under it). */
  dataDir: string;
  authSecret: string;
  /** Whether AUTH_SECRET was generated and persisted under the data dir. */
  authSecretGenerated: boolean;
  logLevel: AppEnv['LOG_LEVEL'];
  opsEmails: string[];
  /** Browser sign-in sessions (lib/auth/browser-sessions.ts). */
  browserSession: { idleSeconds: number; maxAgeSeconds: number };
  oidc: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    /** True when the bundled development OpenID provider serves sign-in. */
    devProvider: boolean;
    devPort: number;
  };
}

const DEV_OIDC_CLIENT_ID = 'bmc-dev-client';

/** Cross-field rules; pushes issues for the variables at fault. */
export function checkAppEnv(e: AppEnv, issues: ConfigIssue[]): void {
  if (e.OIDC_ISSUER) {
    if (!e.OIDC_CLIENT_ID) issues.push({ variable: 'OIDC_CLIENT_ID', message: 'is required when OIDC_ISSUER is set (the client id registered at your OpenID provider)' });
    if (!e.OIDC_CLIENT_SECRET) issues.push({ variable: 'OIDC_CLIENT_SECRET', message: 'is required when OIDC_ISSUER is set (the client secret registered at your OpenID provider)' });
  }
  if (e.BROWSER_SESSION_IDLE_SECONDS > e.BROWSER_SESSION_MAX_AGE_SECONDS) {
    issues.push({ variable: 'BROWSER_SESSION_IDLE_SECONDS', message: `expects at most BROWSER_SESSION_MAX_AGE_SECONDS (${e.BROWSER_SESSION_MAX_AGE_SECONDS}): a session cannot stay idle longer than it lives` });
  }
  if (e.BMC_ENV === 'production') {
    if (!e.AUTH_SECRET) issues.push({ variable: 'AUTH_SECRET', message: 'is required when BMC_ENV=production; expects at least 32 random characters (e.g. `openssl rand -base64 32`)' });
    if (!e.OIDC_ISSUER && !e.DEV_OIDC_ENABLE) issues.push({ variable: 'OIDC_ISSUER', message: 'is required when BMC_ENV=production (the development sign-in provider refuses to run in production unless DEV_OIDC_ENABLE=true)' });
    if (!e.APP_URL) issues.push({ variable: 'APP_URL', message: 'is required when BMC_ENV=production; expects the public URL, e.g. https://cloud.example.com' });
  }
}

/** Reads `<dataDir>/auth-secret`, creating it (mode 0600) with 48 random bytes when missing. */
export function persistedAuthSecret(dataDir: string): string {
  const file = path.join(dataDir, 'auth-secret');
  try {
    const s = fs.readFileSync(file, 'utf8').trim();
    if (s.length >= 32) return s;
  } catch { /* create below */ }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(48).toString('base64url');
  try {
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    // Another process created it first: use theirs.
    return fs.readFileSync(file, 'utf8').trim();
  }
}

export function buildAppConfig(e: AppEnv, cwd: string = process.cwd()): AppConfig {
  const dataDir = path.resolve(cwd, e.BMC_DATA_DIR ?? '.data');
  const authSecret = e.AUTH_SECRET ?? persistedAuthSecret(dataDir);
  const devProvider = !e.OIDC_ISSUER;
  const devIssuer = `http://127.0.0.1:${e.DEV_OIDC_PORT}`;
  return {
    env: e.BMC_ENV,
    port: e.PORT,
    appUrl: e.APP_URL ?? `http://localhost:${e.PORT}`,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    authSecret,
    authSecretGenerated: !e.AUTH_SECRET,
    logLevel: e.LOG_LEVEL,
    opsEmails: e.OPS_EMAILS ?? [],
    browserSession: { idleSeconds: e.BROWSER_SESSION_IDLE_SECONDS, maxAgeSeconds: e.BROWSER_SESSION_MAX_AGE_SECONDS },
    oidc: devProvider
      ? {
          issuer: devIssuer,
          clientId: DEV_OIDC_CLIENT_ID,
          // Derived from the auth secret so the app and the dev provider agree without another file.
          clientSecret: crypto.createHmac('sha256', authSecret).update('dev-oidc-client-secret').digest('base64url'),
          devProvider: true,
          devPort: e.DEV_OIDC_PORT,
        }
      : { issuer: e.OIDC_ISSUER!, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!, devProvider: false, devPort: e.DEV_OIDC_PORT },
  };
}
