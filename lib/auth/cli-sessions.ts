// The CLI session DTO shown on /cli-sessions and returned by /api/cli-sessions.
import type { CliSession } from '../db/schema.ts';
import type { OAuthClient } from '../config/oauth.ts';

export interface CliSessionDto {
  id: string;
  client: string;
  clientId: string;
  deviceIp: string | null;
  deviceUserAgent: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  current: boolean;
}

export function cliSessionDto(s: CliSession, clients: Map<string, OAuthClient>, currentSessionId?: string): CliSessionDto {
  return {
    id: s.id,
    client: clients.get(s.clientId)?.name ?? s.clientId,
    clientId: s.clientId,
    deviceIp: s.deviceIp,
    deviceUserAgent: s.deviceUserAgent,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: s.lastUsedIp,
    current: s.id === currentSessionId,
  };
}
