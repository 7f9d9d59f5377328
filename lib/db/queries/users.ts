import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { users, type User } from '../schema.ts';

export async function getUserById(db: Database, userId: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return u ?? null;
}
