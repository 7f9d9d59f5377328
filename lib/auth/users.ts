// Loading the signed-in person from the database. No Next imports, so the issue-4 principal guard
// (session OR Bearer token) and tests can use it directly.
import type { Database } from '../db/client.ts';
import { getUserById } from '../db/queries/users.ts';
import type { User } from '../db/schema.ts';

/** What pages and route handlers get to know about the caller (a DTO, not the row). */
export interface SessionUser {
  id: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  role: User['role'];
}

export function toSessionUser(u: User): SessionUser {
  return { id: u.id, email: u.email, emailVerified: u.emailVerified, name: u.name, role: u.role };
}

/** The user with this id as a SessionUser, or null when the row no longer exists. */
export async function loadSessionUser(db: Database, userId: string): Promise<SessionUser | null> {
  const u = await getUserById(db, userId);
  return u ? toSessionUser(u) : null;
}

export function isOps(user: Pick<SessionUser, 'role'> | null | undefined): boolean {
  return user?.role === 'ops' || user?.role === 'admin';
}
