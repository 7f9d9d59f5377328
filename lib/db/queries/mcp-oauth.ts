// Queries of the MCP clients' OAuth: registered and metadata-document clients, authorization codes, and the
// MCP connections (token families of kind 'mcp' in cli_sessions). Take the db (or a transaction) first.
import { and, desc, eq, isNull, lte, notExists, or, sql } from 'drizzle-orm';
import {
  cliSessions, oauthAuthorizationCodes, oauthClients, oauthRefreshTokens,
  type CliSession, type OAuthAuthorizationCode, type OAuthClientRow,
} from '../schema.ts';
import type { Queryable } from '../queryable.ts';

export async function findOAuthClient(db: Queryable, clientId: string): Promise<OAuthClientRow | null> {
  const [row] = await db.select().from(oauthClients).where(eq(oauthClients.clientId, clientId));
  return row ?? null;
}

export async function insertOAuthClient(db: Queryable, row: typeof oauthClients.$inferInsert): Promise<OAuthClientRow> {
  const [r] = await db.insert(oauthClients).values(row).returning();
  return r!;
}

/** Stores (or refreshes) the cached copy of a client ID metadata document. */
export async function upsertMetadataDocumentClient(db: Queryable, row: typeof oauthClients.$inferInsert): Promise<OAuthClientRow> {
  const [r] = await db.insert(oauthClients).values(row).onConflictDoUpdate({
    target: oauthClients.clientId,
    set: { clientName: row.clientName, clientUri: row.clientUri, redirectUris: row.redirectUris, metadata: row.metadata, metadataExpiresAt: row.metadataExpiresAt },
  }).returning();
  return r!;
}

/** Notes a client's use, at most once an hour (registrations never used are cleaned up). */
export async function touchOAuthClient(db: Queryable, clientId: string, now: Date): Promise<void> {
  await db.update(oauthClients).set({ lastUsedAt: now }).where(and(eq(oauthClients.clientId, clientId),
    or(isNull(oauthClients.lastUsedAt), lte(oauthClients.lastUsedAt, new Date(now.getTime() - 3_600_000)))));
}

/**
 * Deletes dynamically registered clients nobody uses: never used within `unusedMs` of registering, or last used
 * longer than `idleMs` ago — and in both cases holding no live connection. Also forgets authorization codes a
 * day past expiry. Returns how many clients went.
 */
export async function pruneMcpOAuthState(db: Queryable, now: Date, unusedMs: number, idleMs: number): Promise<number> {
  const live = db.select({ one: sql`1` }).from(cliSessions)
    .where(and(eq(cliSessions.clientId, oauthClients.clientId), isNull(cliSessions.revokedAt)));
  const gone = await db.delete(oauthClients).where(and(
    eq(oauthClients.kind, 'dynamic_registration'),
    or(
      and(isNull(oauthClients.lastUsedAt), lte(oauthClients.createdAt, new Date(now.getTime() - unusedMs))),
      lte(oauthClients.lastUsedAt, new Date(now.getTime() - idleMs)),
    ),
    notExists(live),
  )).returning({ id: oauthClients.clientId });
  await db.delete(oauthAuthorizationCodes).where(lte(oauthAuthorizationCodes.expiresAt, new Date(now.getTime() - 86_400_000)));
  return gone.length;
}

export async function insertAuthorizationCode(db: Queryable, row: typeof oauthAuthorizationCodes.$inferInsert): Promise<void> {
  await db.insert(oauthAuthorizationCodes).values(row);
}

/** The code row, locked for the rest of the transaction (racing exchanges are judged one after another). */
export async function lockAuthorizationCode(db: Queryable, codeHash: string): Promise<OAuthAuthorizationCode | null> {
  const [row] = await db.select().from(oauthAuthorizationCodes).where(eq(oauthAuthorizationCodes.codeHash, codeHash)).for('update');
  return row ?? null;
}

export async function markAuthorizationCodeUsed(db: Queryable, codeHash: string, sessionId: string, now: Date): Promise<void> {
  await db.update(oauthAuthorizationCodes).set({ usedAt: now, sessionId }).where(eq(oauthAuthorizationCodes.codeHash, codeHash));
}

/** Records which token replaced a refresh token (the previous token's grace depends on it). */
export async function setRefreshReplacement(db: Queryable, tokenHash: string, replacedByHash: string): Promise<void> {
  await db.update(oauthRefreshTokens).set({ replacedByHash }).where(eq(oauthRefreshTokens.tokenHash, tokenHash));
}

export async function deleteRefreshToken(db: Queryable, tokenHash: string): Promise<void> {
  await db.delete(oauthRefreshTokens).where(eq(oauthRefreshTokens.tokenHash, tokenHash));
}

export interface McpConnectionRow {
  session: CliSession;
  client: OAuthClientRow | null;
}

/** A person's live MCP connections, newest first, with their clients. */
export async function listMcpConnectionsForUser(db: Queryable, userId: string): Promise<McpConnectionRow[]> {
  const rows = await db.select({ session: cliSessions, client: oauthClients }).from(cliSessions)
    .leftJoin(oauthClients, eq(oauthClients.clientId, cliSessions.clientId))
    .where(and(eq(cliSessions.userId, userId), eq(cliSessions.kind, 'mcp'), isNull(cliSessions.revokedAt)))
    .orderBy(desc(cliSessions.createdAt));
  return rows;
}

/** One live MCP connection of this user, or null (someone else's is null too). */
export async function findMcpConnection(db: Queryable, userId: string, id: string): Promise<CliSession | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.select().from(cliSessions)
    .where(and(eq(cliSessions.id, id), eq(cliSessions.userId, userId), eq(cliSessions.kind, 'mcp'), isNull(cliSessions.revokedAt)));
  return row ?? null;
}
