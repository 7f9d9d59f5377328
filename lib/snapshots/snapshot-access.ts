// Who may do what with snapshots: the caller's own tenant only (from the principal, never the request), and with
// scoped credentials the matching `memory:*` scope (read: list, show, browse; write: create, restore; admin: delete).
// A principal with none of the memory scopes (browser session, CLI token) has full access.
import type { Principal } from '../auth/principal.ts';
import type { Tenant } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';

export type SnapshotAction = 'read' | 'write' | 'admin';

export function snapshotTenant(p: Principal, action: SnapshotAction): Tenant {
  if (!p.tenant) throw new HttpError(404, 'No tenant for this account.');
  const memory = p.scopes.filter((s) => s.startsWith('memory:'));
  if (memory.length > 0) {
    const ok = action === 'read' ? memory.length > 0 : memory.includes(`memory:${action}`) || (action === 'write' && memory.includes('memory:admin'));
    if (!ok) throw new HttpError(403, `This credential lacks the memory:${action} scope.`);
  }
  return p.tenant;
}
