// Ports and fixed values shared by playwright.config.ts and the journeys.
import os from 'node:os';
import path from 'node:path';

export const E2E_BASE_PORT = Number(process.env.E2E_BASE_PORT || 3300);
export const APP_URL = `http://localhost:${E2E_BASE_PORT}`;
/** The e2e server's OPS_EMAILS. */
export const E2E_OPS_EMAIL = 'ops-e2e@example.test';
/** The e2e server's BMC_DATA_DIR (same rule as playwright.config.ts); holds its generated auth-secret. */
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR || path.join(os.tmpdir(), `bmc-e2e-${E2E_BASE_PORT}`);
/** The e2e server's METRICS_TOKEN (GET /metrics refuses anyone without it, loopback included). */
export const E2E_METRICS_TOKEN = 'e2e-metrics-token-0123456789abcdef';
/** Where the journeys serve client ID metadata documents; the e2e server maps `https://client.test` here. */
export const E2E_CLIENT_METADATA_URL = `http://127.0.0.1:${E2E_BASE_PORT + 7}`;
