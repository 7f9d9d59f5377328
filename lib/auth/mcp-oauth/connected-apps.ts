// The shape Connected apps (page and GET /api/connected-apps) shows for each MCP connection.
import type { Database } from '../../db/client.ts';
import { listMcpConnectionsForUser } from '../../db/queries/mcp-oauth.ts';
import { countMcpCallsLast24h } from './connection-activity.ts';
import { redirectHost } from './redirect-uri.ts';
import { groupLabels } from './scopes.ts';

export interface ConnectedAppDto {
  id: string;
  client_name: string;
  client_id: string;
  registered_by: 'dynamic_registration' | 'metadata_document' | 'unknown';
  redirect_host: string;
  groups: string[];
  scope: string;
  connected_at: string;
  last_used_at: string | null;
  /** null: calls are not recorded (yet). */
  calls_24h: number | null;
}

export async function listConnectedApps(db: Database, userId: string, now: Date): Promise<ConnectedAppDto[]> {
  const rows = await listMcpConnectionsForUser(db, userId);
  const calls = await countMcpCallsLast24h(db, rows.map((r) => ({ id: r.session.id, tenantId: r.session.tenantId })), now);
  return rows.map(({ session: s, client: c }) => ({
    id: s.id,
    client_name: c?.clientName ?? (c?.kind === 'metadata_document' ? new URL(c.clientId).host : 'Unnamed application'),
    client_id: s.clientId,
    registered_by: c?.kind ?? 'unknown',
    redirect_host: s.redirectUri ? redirectHost(s.redirectUri) : 'unknown',
    groups: groupLabels(s.scope),
    scope: s.scope,
    connected_at: s.createdAt.toISOString(),
    last_used_at: s.lastUsedAt?.toISOString() ?? null,
    calls_24h: calls ? calls.get(s.id) ?? 0 : null,
  }));
}
