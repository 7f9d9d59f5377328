// GET /api/connected-apps — the caller's MCP connections (the Connected apps page's JSON).
import { listConnectedApps } from '@/lib/auth/mcp-oauth/connected-apps.ts';
import { getDb } from '@/lib/db/index.ts';
import { apiRoute } from '@/lib/http/api-route.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({}, async ({ principal }) => ({ connected_apps: await listConnectedApps(await getDb(), principal.user.id, new Date()) }));
