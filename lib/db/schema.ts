// The control plane's account data, in one place. Tenants' memory lives in their own files and
// SQLite index, never here (DESIGN.md "Storage rules").
import { sql } from 'drizzle-orm';
import {
  bigserial, boolean, index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow().$onUpdate(() => new Date());

export const userRole = pgEnum('user_role', ['user', 'ops', 'admin']);
export const tenantStatus = pgEnum('tenant_status', [
  'provisioning', 'starting', 'rebuilding', 'running', 'degraded', 'stopped', 'failed',
]);
export const tenantDesiredState = pgEnum('tenant_desired_state', ['running', 'stopped']);
export const membershipRole = pgEnum('membership_role', ['owner', 'member']);

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
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('tenants_status_idx').on(t.status)]);

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
