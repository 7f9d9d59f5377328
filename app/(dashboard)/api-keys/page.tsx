// API keys: Bearer credentials for scripts and headless agents (`bm cloud api-key save bmc_…`, MCP clients). Created
// here with a name and read-only or read-write access, shown once, listed with their last use, revoked with effect on
// the next request.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { apiKeyDto } from '@/lib/auth/api-keys.ts';
import { requireTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { listApiKeysForUser } from '@/lib/db/queries/api-keys.ts';
import { ApiKeysPanel } from './api-keys-panel.tsx';

export const metadata: Metadata = { title: 'API keys' };
export const dynamic = 'force-dynamic';

export default async function ApiKeysPage() {
  const { user } = await requireTenant(undefined, { callbackUrl: '/api-keys' });
  const rows = (await listApiKeysForUser(await getDb(), user.id)).map(apiKeyDto);
  return (
    <>
      <PageHeader title="API keys" description="Keys for scripts, agents and the bm CLI without a browser login. Each one works until you revoke it." />
      <ApiKeysPanel initial={rows} host={getConfig().app.appUrl.replace(/\/$/, '')} />
    </>
  );
}
