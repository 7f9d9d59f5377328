// Audit events: who did what, when, from where. Never pass tokens, codes or secrets in metadata.
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { auditEvents, type AuditEvent } from '../schema.ts';

export interface AuditInput {
  actorUserId?: string | null;
  tenantId?: string | null;
  action: string;
  target?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
}

export async function recordAuditEvent(db: Database, e: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    actorUserId: e.actorUserId ?? null,
    tenantId: e.tenantId ?? null,
    action: e.action,
    target: e.target ?? null,
    ip: e.ip ?? null,
    userAgent: e.userAgent ? e.userAgent.slice(0, 512) : null,
    metadata: e.metadata ?? {},
  });
}

export async function listAuditEventsForTenant(db: Database, tenantId: string, limit = 50): Promise<AuditEvent[]> {
  return db.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(desc(auditEvents.createdAt), desc(auditEvents.id)).limit(limit);
}
