// GET /api/connected-apps — the caller's MCP connections (the Connected apps page's JSON).
import { listConnectedApps } from '@/lib/auth/mcp-oauth/connected-apps.ts';
import { withPrincipal } from '@/lib/auth/principal.ts';
import { getDb } from '@/lib/db/index.ts';

export const dynamic = 'force-dynamic';

export const GET = withPrincipal(async (_req, p) => {
  const apps = await listConnectedApps(await getDb(), p.user.id, new Date());
  return Response.json({ connected_apps: apps }, { headers: { 'cache-control': 'no-store' } });
});
