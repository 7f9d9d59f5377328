// The control plane's account data, in one place. Tenants' memory lives in their own files and
// SQLite index, never here (DESIGN.md "Storage rules").
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import {
  RECORDED_STATUSES, RECORDED_TRIGGERS, REBUILD_MODES, ROLLUP_SCAN_TYPES, RUN_KINDS, SCAN_TYPES,
} from '../../tenant/src/sync/run-vocabulary.ts';

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow().$onUpdate(() => new Date());

export const userRole = pgEnum('user_role', ['user', 'ops', 'admin']);
/** `sleeping`: stopped for idleness while meant to run (index kept); the next request wakes it. */
export const tenantStatus = pgEnum('tenant_status', [
  'provisioning', 'starting', 'rebuilding', 'running', 'degraded', 'stopped', 'failed', 'sleeping',
]);
export const tenantDesiredState = pgEnum('tenant_desired_state', ['running', 'stopped']);
export const membershipRole = pgEnum('membership_role', ['owner', 'member']);
/** What a tenant is to the people in it (upstream's `workspace_type`): today every account has one `personal`. */
export const workspaceType = pgEnum('workspace_type', ['personal', 'organization']);

/** A person, keyed by the OIDC issuer + subject that signed them in (email can change). */
export const users = pgTable('users', {
  id: uuid().primaryKey().defaultRandom(),
  issuer: text().notNull(),
  subject: text().notNull(),
  email: text(),
  emailVerified: boolean().notNull().default(false),
  name: text(),
  role: userRole().notNull().default('user'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  lastSignInAt: timestamp({ withTimezone: true }),
}, (t) => [uniqueIndex('users_issuer_subject_key').on(t.issuer, t.subject)]);

/** One tenant per account: a tenant API process owning a data dir of projects. */
export const tenants = pgTable('tenants', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  status: tenantStatus().notNull().default('provisioning'),
  statusChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  statusDetail: text(),
  desiredState: tenantDesiredState().notNull().default('running'),
  /** Name of the storage bucket / data folder the provisioner gives this tenant. */
  bucketName: text().notNull(),
  /** A tenant is a workspace: its type and stable slug (upstream's `/workspaces/` list). Slug null = derived from the id. */
  workspaceType: workspaceType().notNull().default('personal'),
  slug: text(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('tenants_status_idx').on(t.status), uniqueIndex('tenants_slug_key').on(t.slug)]);

export const memberships = pgTable('memberships', {
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  role: membershipRole().notNull().default('owner'),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.userId, t.tenantId] }), index('memberships_tenant_idx').on(t.tenantId)]);

/** Who did what, when, from where. Never holds tokens, codes or secrets. */
export const auditEvents = pgTable('audit_events', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  actorUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
  tenantId: uuid().references(() => tenants.id, { onDelete: 'set null' }),
  action: text().notNull(),
  target: text(),
  ip: text(),
  userAgent: text(),
  metadata: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  createdAt: createdAt(),
}, (t) => [
  index('audit_events_tenant_created_idx').on(t.tenantId, t.createdAt),
  index('audit_events_actor_created_idx').on(t.actorUserId, t.createdAt),
]);

export type User = typeof users.$inferSelect;
export type Tenant = typeof tenants.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

// --- OAuth device grant (issue 4) ---
// The control plane is the OAuth authorization server for the CLI (RFC 8628 + PKCE). Codes and
// tokens are stored only as SHA-256 hashes; the raw values exist only in responses.

export const deviceGrantStatus = pgEnum('device_grant_status', ['pending', 'approved', 'denied', 'redeemed', 'expired']);

/** One device authorization request: pending → approved → redeemed (once), pending → denied | expired. */
export const deviceGrants = pgTable('device_grants', {
  id: uuid().primaryKey().defaultRandom(),
  deviceCodeHash: text().notNull(),
  /** SHA-256 of the normalised user code (12 chars of BCDFGHJKLMNPQRSTVWXZ). */
  userCodeHash: text().notNull(),
  clientId: text().notNull(),
  scope: text().notNull(),
  codeChallenge: text(),
  codeChallengeMethod: text(),
  status: deviceGrantStatus().notNull().default('pending'),
  intervalSeconds: integer().notNull().default(5),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  /** Time of the last poll that was accepted (not answered with slow_down). */
  lastPolledAt: timestamp({ withTimezone: true }),
  deviceIp: text(),
  deviceUserAgent: text(),
  /** The account that opened the confirmation step first; nobody else may decide this grant. */
  claimedByUserId: uuid().references(() => users.id, { onDelete: 'cascade' }),
  claimedAt: timestamp({ withTimezone: true }),
  userId: uuid().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: uuid().references(() => tenants.id, { onDelete: 'cascade' }),
  decidedAt: timestamp({ withTimezone: true }),
  redeemedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('device_grants_device_code_hash_key').on(t.deviceCodeHash),
  // A user code is unique while it can still be entered.
  uniqueIndex('device_grants_live_user_code_key').on(t.userCodeHash).where(sql`status = 'pending'`),
  index('device_grants_expires_idx').on(t.expiresAt),
]);

/** Which grant a token family was born from: the CLI's device grant, or an MCP client's authorization code. */
export const tokenFamilyKind = pgEnum('token_family_kind', ['cli', 'mcp']);

/**
 * A token family: a CLI session (born from one redeemed device grant) or an MCP connection (born from one
 * authorization code; `resource` is then the canonical `/mcp` URL bound into every token). Revoking it kills
 * every token in it. The access-token guard, its cache and revocation notifications serve both kinds.
 */
export const cliSessions = pgTable('cli_sessions', {
  id: uuid().primaryKey().defaultRandom(),
  grantId: uuid().references(() => deviceGrants.id, { onDelete: 'set null' }),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: uuid().references(() => tenants.id, { onDelete: 'cascade' }),
  clientId: text().notNull(),
  scope: text().notNull(),
  kind: tokenFamilyKind().notNull().default('cli'),
  /** RFC 8707 resource the tokens are for (MCP connections); null for CLI sessions (they reach /api and /proxy). */
  resource: text(),
  /** The redirect URI the connection was approved for (MCP connections), shown as its host on Connected apps. */
  redirectUri: text(),
  deviceIp: text(),
  deviceUserAgent: text(),
  createdAt: createdAt(),
  lastUsedAt: timestamp({ withTimezone: true }),
  lastUsedIp: text(),
  revokedAt: timestamp({ withTimezone: true }),
  revokedReason: text(),
}, (t) => [index('cli_sessions_user_idx').on(t.userId, t.createdAt)]);

/**
 * One signed-in browser (a next-auth sign-in). The session cookie (a JWT) carries only `id`, a random
 * uuid; every session check needs this row live, so signing out or ending a session on /sessions
 * makes every copy of that cookie worthless at once.
 */
export const browserSessions = pgTable('browser_sessions', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  /** Written at most once a minute per session (the check is a read; the write is throttled). */
  lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  ip: text(),
  userAgent: text(),
  revokedAt: timestamp({ withTimezone: true }),
  revokedReason: text(),
}, (t) => [index('browser_sessions_user_idx').on(t.userId, t.createdAt)]);

export const oauthAccessTokens = pgTable('oauth_access_tokens', {
  tokenHash: text().primaryKey(),
  sessionId: uuid().notNull().references(() => cliSessions.id, { onDelete: 'cascade' }),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  createdAt: createdAt(),
}, (t) => [index('oauth_access_tokens_session_idx').on(t.sessionId)]);

export const oauthRefreshTokens = pgTable('oauth_refresh_tokens', {
  tokenHash: text().primaryKey(),
  sessionId: uuid().notNull().references(() => cliSessions.id, { onDelete: 'cascade' }),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  /** Set when this token was exchanged for a new one; presenting it again is reuse. */
  rotatedAt: timestamp({ withTimezone: true }),
  /** The hash of the token this one was exchanged for (MCP connections: the previous token's one-step grace). */
  replacedByHash: text(),
  createdAt: createdAt(),
}, (t) => [index('oauth_refresh_tokens_session_idx').on(t.sessionId)]);

/**
 * Named app passwords for file tools (rclone, Finder, Windows, `bm cloud setup`): HTTP Basic credentials accepted
 * on `/proxy/webdav/*` only. The secret is shown once and stored as its SHA-256 (256-bit random: no slow hash
 * needed, like CLI tokens); `accessKey` is the public half (the Basic user name, `access_key` of mount credentials).
 */
export const appPasswords = pgTable('app_passwords', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  accessKey: text().notNull(),
  secretHash: text().notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamp({ withTimezone: true }),
  lastUsedIp: text(),
  revokedAt: timestamp({ withTimezone: true }),
}, (t) => [
  uniqueIndex('app_passwords_access_key_key').on(t.accessKey),
  uniqueIndex('app_passwords_secret_hash_key').on(t.secretHash),
  index('app_passwords_user_idx').on(t.userId, t.createdAt),
]);

export type AppPassword = typeof appPasswords.$inferSelect;

/** What an API key may do with memory: read-only keys get `memory:read`, read-write keys every `memory:*` scope. */
export const apiKeyScope = pgEnum('api_key_scope', ['read_only', 'read_write']);

/**
 * Account API keys (`bmc_…`, upstream's `cloud_api_key`): Bearer credentials for scripts and headless agents, bound to
 * one workspace (tenant). 256 random bits, shown once, stored as SHA-256; `prefix` is the first characters, for lists.
 */
export const apiKeys = pgTable('api_keys', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  scope: apiKeyScope().notNull().default('read_write'),
  prefix: text().notNull(),
  secretHash: text().notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamp({ withTimezone: true }),
  lastUsedIp: text(),
  revokedAt: timestamp({ withTimezone: true }),
}, (t) => [
  uniqueIndex('api_keys_secret_hash_key').on(t.secretHash),
  index('api_keys_user_idx').on(t.userId, t.createdAt),
]);

export type ApiKey = typeof apiKeys.$inferSelect;

/** Fixed-window counters shared by every app instance (device issuance, code entry failures). */
export const rateLimitCounters = pgTable('rate_limit_counters', {
  key: text().primaryKey(),
  windowStart: timestamp({ withTimezone: true }).notNull(),
  count: integer().notNull(),
});

export type DeviceGrant = typeof deviceGrants.$inferSelect;
export type CliSession = typeof cliSessions.$inferSelect;

// --- Tenant runtime, leases and sync history (issue 5) ---

/**
 * Who supervises a tenant: exactly one app instance at a time holds this lease (TTL + heartbeat).
 * Taken and renewed with one atomic upsert `… WHERE expires_at < now() OR holder = me RETURNING`.
 */
export const tenantLeases = pgTable('tenant_leases', {
  tenantId: uuid().primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  holder: text().notNull(),
  acquiredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  renewedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
}, (t) => [index('tenant_leases_expires_idx').on(t.expiresAt)]);

/**
 * Where a tenant API answers and what its supervisor knows about it, so any app instance's tenant
 * proxy can reach it and a supervisor taking over a lease inherits the crash history.
 */
export const tenantEndpoints = pgTable('tenant_endpoints', {
  tenantId: uuid().primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  driver: text().notNull().default('local'),
  /** Base URL of the tenant API (`http://127.0.0.1:PORT` for the local driver); null when not running. */
  host: text(),
  port: integer(),
  pid: integer(),
  /** The app instance (lease holder id) whose driver started the process. */
  instanceId: text(),
  startedAt: timestamp({ withTimezone: true }),
  readyAt: timestamp({ withTimezone: true }),
  lastHealthAt: timestamp({ withTimezone: true }),
  tenantVersion: text(),
  /** The last rebuild the tenant reported on /health: {started_at, finished_at, duration_ms, files, mode}. */
  lastRebuild: jsonb().$type<Record<string, unknown>>(),
  lastExitAt: timestamp({ withTimezone: true }),
  lastExitCode: integer(),
  lastExitSignal: text(),
  /** Crashes counted in the current window; `failed` after the configured maximum. */
  crashCount: integer().notNull().default(0),
  crashWindowStartedAt: timestamp({ withTimezone: true }),
  /** Not before this time will the supervisor restart a crashed tenant (exponential backoff). */
  nextRestartAt: timestamp({ withTimezone: true }),
  /** Set by the admin API on any instance; the lease holder restarts the process when it is newer than startedAt. */
  restartRequestedAt: timestamp({ withTimezone: true }),
  updatedAt: updatedAt(),
});

// The closed sets of a sync run (tenant/src/sync/run-vocabulary.ts).
export const syncRunKind = pgEnum('sync_run_kind', RUN_KINDS);
export const syncRunTrigger = pgEnum('sync_run_trigger', RECORDED_TRIGGERS);
export const syncScanType = pgEnum('sync_scan_type', SCAN_TYPES);
export const syncRunStatus = pgEnum('sync_run_status', RECORDED_STATUSES);
export const rebuildMode = pgEnum('rebuild_mode', REBUILD_MODES);
export const syncRollupScanType = pgEnum('sync_rollup_scan_type', ROLLUP_SCAN_TYPES);

/** Every sync run and index rebuild of every tenant, collected from `GET /sync-runs` (history outlives the index). */
export const syncRuns = pgTable('sync_runs', {
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  runId: text().notNull(),
  /** The tenant index instance that recorded it (a wiped index gets a new one). */
  instanceId: text(),
  kind: syncRunKind().notNull(),
  project: text(),
  trigger: syncRunTrigger().notNull(),
  /** Null for rebuilds (and a sync whose scan type was not recorded). */
  scanType: syncScanType(),
  status: syncRunStatus().notNull(),
  /** Rebuilds only. */
  mode: rebuildMode(),
  startedAt: timestamp({ withTimezone: true }).notNull(),
  finishedAt: timestamp({ withTimezone: true }),
  durationMs: integer().notNull(),
  scanMs: integer().notNull().default(0),
  applyMs: integer().notNull().default(0),
  filesScanned: integer().notNull().default(0),
  newCount: integer().notNull().default(0),
  modifiedCount: integer().notNull().default(0),
  deletedCount: integer().notNull().default(0),
  movedCount: integer().notNull().default(0),
  skippedCount: integer().notNull().default(0),
  errorCount: integer().notNull().default(0),
  errors: jsonb().$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
  skippedFiles: jsonb().$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
  /** Non-fatal per-file problems (broken YAML, invalid UTF-8 …), capped like errors. */
  warnings: jsonb().$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
  /** The changed paths of a sync ({new, modified, deleted, moves, truncated}), as the tenant recorded them (capped there). */
  changes: jsonb().$type<Record<string, unknown>>(),
  peakRssBytes: bigint({ mode: 'number' }),
  /**
   * False for a sync that was ok and found nothing new, modified, deleted, moved, skipped or failed.
   * Such runs are kept raw only briefly (HISTORY_RAW_NO_CHANGE_HOURS); the rest for HISTORY_RAW_CHANGED_DAYS.
   */
  changed: boolean().notNull().default(true),
  collectedAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.tenantId, t.runId] }),
  index('sync_runs_no_change_started_idx').on(t.startedAt).where(sql`not changed`),
  // A tenant's newest runs across projects (ops tenant view) without sorting all its raw rows.
  index('sync_runs_tenant_started_idx').on(t.tenantId, t.startedAt),
  // kind last: a project's runs in a range are counted from the index alone (index-only scan; raw rows of
  // a tenant are spread over the heap, one collection round at a time), in started_at order for pages.
  index('sync_runs_tenant_project_started_idx').on(t.tenantId, t.project, t.startedAt, t.kind),
  // A tenant's rebuilds without walking every rebuild of the fleet or every run of the tenant.
  index('sync_runs_tenant_rebuild_started_idx').on(t.tenantId, t.startedAt).where(sql`kind = 'rebuild'`),
  index('sync_runs_started_idx').on(t.startedAt),
  index('sync_runs_kind_started_idx').on(t.kind, t.startedAt),
]);

/** Where the collector is in each tenant's `/sync-runs` feed. */
export const tenantSyncCursors = pgTable('tenant_sync_cursors', {
  tenantId: uuid().primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  cursor: text(),
  instanceId: text(),
  lastCollectedAt: timestamp({ withTimezone: true }),
  lastError: text(),
  /** The newest index rebuild collected from this tenant (the raw record stays in sync_runs). */
  lastRebuildAt: timestamp({ withTimezone: true }),
  lastRebuildMs: integer(),
  lastRebuildFiles: integer(),
  updatedAt: updatedAt(),
});

// --- Sync history that scales ---
// Every collected run is counted once, in the same transaction that stores it raw, into hourly
// roll-ups (per tenant/project/scan type and fleet-wide). Raw rows are details with a retention;
// counts, failures and percentiles come from the roll-ups, so deleting raw rows never changes them.

/** Run counts per hour, tenant, project ('' for rebuilds) and scan type ('rebuild' for rebuilds). */
export const syncRunRollups = pgTable('sync_run_rollups', {
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  hour: timestamp({ withTimezone: true }).notNull(),
  project: text().notNull(),
  scanType: syncRollupScanType().notNull(),
  runs: integer().notNull(),
  failed: integer().notNull(),
  /** Runs that changed, skipped or failed something. */
  changed: integer().notNull(),
  durationSumMs: bigint({ mode: 'number' }).notNull(),
  durationMaxMs: integer().notNull(),
  filesScanned: bigint({ mode: 'number' }).notNull(),
  /** Log-spaced duration histogram {bucket index: count} (lib/history/duration-histogram.ts). */
  histogram: jsonb().$type<Record<string, number>>().notNull(),
}, (t) => [
  primaryKey({ columns: [t.tenantId, t.hour, t.project, t.scanType] }),
  index('sync_run_rollups_hour_idx').on(t.hour),
]);

/** The same counts fleet-wide per hour and scan type (the ops overview reads a few hundred rows, not millions). */
export const syncFleetRollups = pgTable('sync_fleet_rollups', {
  hour: timestamp({ withTimezone: true }).notNull(),
  scanType: syncRollupScanType().notNull(),
  runs: integer().notNull(),
  failed: integer().notNull(),
  changed: integer().notNull(),
  durationSumMs: bigint({ mode: 'number' }).notNull(),
  durationMaxMs: integer().notNull(),
  filesScanned: bigint({ mode: 'number' }).notNull(),
  histogram: jsonb().$type<Record<string, number>>().notNull(),
}, (t) => [primaryKey({ columns: [t.hour, t.scanType] })]);

/** The latest collected sync of each project (kept as runs are collected; survives raw retention). */
export const syncProjectStates = pgTable('sync_project_states', {
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  project: text().notNull(),
  lastRunId: text().notNull(),
  lastRunAt: timestamp({ withTimezone: true }).notNull(),
  lastStatus: syncRunStatus().notNull(),
  lastScanType: syncScanType(),
  lastDurationMs: integer().notNull(),
  lastSkippedCount: integer().notNull().default(0),
  lastErrorCount: integer().notNull().default(0),
  lastOkAt: timestamp({ withTimezone: true }),
  lastFailedAt: timestamp({ withTimezone: true }),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.project] })]);

export type SyncRunRollup = typeof syncRunRollups.$inferSelect;
export type SyncFleetRollup = typeof syncFleetRollups.$inferSelect;
export type SyncProjectState = typeof syncProjectStates.$inferSelect;

export type BrowserSession = typeof browserSessions.$inferSelect;
export type TenantLease = typeof tenantLeases.$inferSelect;
export type TenantEndpoint = typeof tenantEndpoints.$inferSelect;
export type SyncRunRow = typeof syncRuns.$inferSelect;
export type TenantSyncCursor = typeof tenantSyncCursors.$inferSelect;

// --- OAuth for MCP clients (authorization code + PKCE, DCR, client ID metadata documents) ---

export const oauthClientKind = pgEnum('oauth_client_kind', ['dynamic_registration', 'metadata_document']);

/**
 * Clients that were not configured in advance: registered through RFC 7591 (`client_id` = `bmcl_…`, public,
 * expires when unused) or described by a client ID metadata document (`client_id` = the document's https URL;
 * the row caches the fetched document until `metadataExpiresAt`).
 */
export const oauthClients = pgTable('oauth_clients', {
  clientId: text().primaryKey(),
  kind: oauthClientKind().notNull(),
  clientName: text(),
  clientUri: text(),
  redirectUris: jsonb().$type<string[]>().notNull(),
  /** What the registration or document asked for, as accepted (never holds a secret). */
  metadata: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  createdAt: createdAt(),
  /** Last authorization or token request (a registration never used is deleted after its grace period). */
  lastUsedAt: timestamp({ withTimezone: true }),
  /** Metadata documents: re-fetch after this (Cache-Control, at most 7 days). */
  metadataExpiresAt: timestamp({ withTimezone: true }),
}, (t) => [index('oauth_clients_kind_created_idx').on(t.kind, t.createdAt)]);

/** One authorization code (hash only): one use, 60 s, bound to client, redirect URI, PKCE challenge, resource, user and tenant. */
export const oauthAuthorizationCodes = pgTable('oauth_authorization_codes', {
  codeHash: text().primaryKey(),
  clientId: text().notNull(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: uuid().references(() => tenants.id, { onDelete: 'cascade' }),
  redirectUri: text().notNull(),
  codeChallenge: text().notNull(),
  resource: text().notNull(),
  scope: text().notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
  /** The token family the code became (a replayed code revokes it, RFC 6749 §4.1.2). */
  sessionId: uuid(),
  createdAt: createdAt(),
}, (t) => [index('oauth_authorization_codes_expires_idx').on(t.expiresAt)]);

export type OAuthClientRow = typeof oauthClients.$inferSelect;
export type OAuthAuthorizationCode = typeof oauthAuthorizationCodes.$inferSelect;

// --- Remote MCP (/mcp) records ---
// Tool calls per tenant, grant (token family), client and tool, rolled up by hour: the ops tenant page and the
// connected-apps page read "calls and errors in the last 24 h" from here. Counted in memory and flushed every few
// seconds (one upsert per key, never one row per call).

export const mcpCallOutcome = pgEnum('mcp_call_outcome', [
  'ok', 'tool_error', 'invalid_arguments', 'unknown_tool', 'error', 'insufficient_scope', 'rate_limited',
  // the client went away before the answer (its connection closed): neither the tool's nor the tenant's failure
  'cancelled',
]);

export const mcpCallRollups = pgTable('mcp_call_rollups', {
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  hour: timestamp({ withTimezone: true }).notNull(),
  /** The grant / token family (`Principal.sessionId`); '' when the principal has none. */
  grantId: text().notNull().default(''),
  /** The OAuth client id (`Principal.clientId`); '' for CLI tokens and API keys. */
  clientId: text().notNull().default(''),
  tool: text().notNull(),
  outcome: mcpCallOutcome().notNull(),
  calls: integer().notNull(),
  totalMs: bigint({ mode: 'number' }).notNull().default(0),
  lastAt: timestamp({ withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.tenantId, t.hour, t.grantId, t.clientId, t.tool, t.outcome] }),
  index('mcp_call_rollups_hour_idx').on(t.hour),
  index('mcp_call_rollups_grant_idx').on(t.grantId, t.hour),
]);

/** The MCP client that last wrote, edited or moved each note (shown next to the note in recent activity). */
export const mcpNoteChanges = pgTable('mcp_note_changes', {
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  project: text().notNull(),
  filePath: text().notNull(),
  clientName: text().notNull(),
  tool: text().notNull(),
  changedAt: timestamp({ withTimezone: true }).notNull(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.project, t.filePath] }), index('mcp_note_changes_changed_at_idx').on(t.changedAt)]);

export type McpCallRollup = typeof mcpCallRollups.$inferSelect;
export type McpNoteChange = typeof mcpNoteChanges.$inferSelect;

// --- Snapshots of tenants' files (restic) ---
// One row per snapshot run. Its id is the snapshot id people see (upstream's `BucketSnapshotResponse.id`);
// `resticId` is restic's snapshot id in the tenant's repository (upstream's `snapshot_version`).
export const snapshotKind = pgEnum('snapshot_kind', ['scheduled', 'manual']);
export const snapshotStatus = pgEnum('snapshot_status', ['running', 'succeeded', 'failed']);

export const snapshotRuns = pgTable('snapshot_runs', {
  id: uuid().primaryKey().defaultRandom(),
  tenantId: uuid().notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  kind: snapshotKind().notNull(),
  status: snapshotStatus().notNull().default('running'),
  description: text(),
  createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  resticId: text(),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp({ withTimezone: true }),
  durationMs: integer(),
  files: integer(),
  bytesAdded: bigint({ mode: 'number' }),
  repositoryBytes: bigint({ mode: 'number' }),
  error: text(),
  /** Forgotten in the repository (deleted by a person, or by the retention policy). */
  deletedAt: timestamp({ withTimezone: true }),
}, (t) => [
  index('snapshot_runs_tenant_started_idx').on(t.tenantId, t.startedAt),
  index('snapshot_runs_status_started_idx').on(t.status, t.startedAt),
]);

export type SnapshotRun = typeof snapshotRuns.$inferSelect;
