import { and, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { users, type User } from '../schema.ts';

export async function getUserById(db: Database, userId: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return u ?? null;
}

export async function getUserByIssuerSubject(db: Database, issuer: string, subject: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(and(eq(users.issuer, issuer), eq(users.subject, subject))).limit(1);
  return u ?? null;
}

export async function getUsersByEmail(db: Database, email: string): Promise<User[]> {
  return db.select().from(users).where(eq(users.email, email.toLowerCase()));
}
