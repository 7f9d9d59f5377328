// Connected apps: the MCP clients (Claude, ChatGPT, Cursor, VS Code…) this person allowed, with where they send
// answers, what they may do, and when they were used. Disconnecting one takes effect on its next call.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { listConnectedApps } from '@/lib/auth/mcp-oauth/connected-apps.ts';
import { requireUser } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { mcpResourceUrl } from '@/lib/mcp/mcp-resource.ts';
import { ConnectedAppsPanel } from './connected-apps-panel.tsx';

export const metadata: Metadata = { title: 'Connected apps' };
export const dynamic = 'force-dynamic';

export default async function ConnectedAppsPage() {
  const user = await requireUser({ callbackUrl: '/connected-apps' });
  const apps = await listConnectedApps(await getDb(), user.id, new Date());
  return (
    <>
      <PageHeader title="Connected apps" description="AI applications you allowed to reach your notes over MCP. Disconnect any of them at any time." />
      <ConnectedAppsPanel initial={apps} mcpUrl={mcpResourceUrl(getConfig().app.appUrl)} />
    </>
  );
}
