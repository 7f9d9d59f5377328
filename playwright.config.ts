// Playwright journeys (e2e/**/*.e2e.ts) against the PRODUCTION build with the real development
// OpenID provider, in Debian Chromium (/usr/bin/chromium; Playwright never downloads a browser).
//
// Ports come from E2E_BASE_PORT (default 3300): app on BASE, development OpenID provider on BASE+1.
// Several engineers can run at once with different bases (issue 4 uses 4300, issue 5 uses 5300);
// each base gets its own data dir (a temp dir, wiped at server start) and, except 3300, its own
// build dir `.next-<BASE>`. DATABASE_URL is passed through (CI: a fresh Postgres db); unset → PGlite.
// Ops journeys: OPS_EMAILS of the e2e server is E2E_OPS_EMAIL (e2e/helpers/env.ts).
// How to write a journey that signs in: e2e/helpers/sign-in.ts.
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

import { APP_URL, E2E_BASE_PORT, E2E_CLIENT_METADATA_URL, E2E_METRICS_TOKEN, E2E_OPS_EMAIL } from './e2e/helpers/env.ts';

const CI = !!process.env.CI;
const dataDir = process.env.E2E_DATA_DIR || path.join(os.tmpdir(), `bmc-e2e-${E2E_BASE_PORT}`);
const distDir = process.env.NEXT_DIST_DIR || (E2E_BASE_PORT === 3300 ? '.next' : `.next-${E2E_BASE_PORT}`);

export default defineConfig({
  testDir: './e2e',
  testMatch: /.*\.e2e\.ts$/,
  fullyParallel: false,
  workers: 1,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  timeout: CI ? 90_000 : 60_000,
  expect: { timeout: CI ? 15_000 : 10_000 },
  // Per base port: Playwright wipes its outputDir at start, and others may be running at the same time.
  outputDir: `./test-results/e2e-${E2E_BASE_PORT}`,
  reporter: [['list']],
  use: {
    baseURL: APP_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: 'node scripts/e2e-server.mjs',
    url: `http://127.0.0.1:${E2E_BASE_PORT}/api/health`,
    reuseExistingServer: !CI,
    // The first run builds the app (scripts/start.mjs builds when the build is missing or stale).
    timeout: 15 * 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      ...(process.env as Record<string, string>),
      PORT: String(E2E_BASE_PORT),
      DEV_OIDC_PORT: String(E2E_BASE_PORT + 1),
      APP_URL,
      BMC_DATA_DIR: dataDir,
      BMC_ENV: 'development',
      NEXT_DIST_DIR: distDir,
      OPS_EMAILS: E2E_OPS_EMAIL,
      METRICS_TOKEN: E2E_METRICS_TOKEN,
      // Client ID metadata documents of https://client.test come from the MCP OAuth journey's fixture server.
      OAUTH_CLIENT_METADATA_TEST_ORIGINS: `https://client.test=${E2E_CLIENT_METADATA_URL}`,
      // The separate content origin: another host than APP_URL's localhost, so the session cookie never goes there.
      USER_CONTENT_ORIGIN: `http://127.0.0.1:${E2E_BASE_PORT}`,
      OIDC_ISSUER: '',
      OIDC_CLIENT_ID: '',
      OIDC_CLIENT_SECRET: '',
      AUTH_SECRET: '',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL || 'warn',
    },
  },
});
