// ─── Slot for issue 5 (provisioning, tenant proxy, collector). The issue-5 engineer owns this file. ───
// Add env variables to `tenantsEnvSchema` and derived settings to `TenantsConfig`/`buildTenantsConfig`;
// index.ts composes it as `getConfig().tenants`. List new variables in .env.example and the README.
import { z } from 'zod';
import type { AppConfig } from './app.ts';

export const tenantsEnvSchema = z.object({});

export type TenantsEnv = z.output<typeof tenantsEnvSchema>;

export type TenantsConfig = Record<string, never>;

export function buildTenantsConfig(_e: TenantsEnv, _app: AppConfig): TenantsConfig {
  return {};
}
