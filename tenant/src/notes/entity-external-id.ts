// v2 routes name a note by an external_id (UUID). The index is a cache (rebuilt from the files), so the id is
// not stored: it is derived from the project's external_id and the note's permalink (name-based, RFC 9562
// version 8 layout over SHA-256). It survives index rebuilds and moves (a move keeps the permalink); it changes
// only when the permalink does.
import crypto from 'node:crypto';
import type { EntityRow, IndexStore } from '../index/store.ts';
import { entityKeys } from '../repositories/entity-repository.ts';

export function entityExternalId(projectExternalId: string, e: Pick<EntityRow, 'permalink' | 'file_path'>): string {
  const h = crypto.createHash('sha256').update(`${projectExternalId}\n${e.permalink ?? `file:${e.file_path}`}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The note whose derived external_id is `externalId` (one pass over the project's permalinks). */
export function entityByExternalId(store: IndexStore, projectId: number, projectExternalId: string, externalId: string): EntityRow | undefined {
  const want = externalId.toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(want)) return undefined;
  const rows = entityKeys(store.db, projectId);
  const hit = rows.find((r) => entityExternalId(projectExternalId, r) === want);
  return hit ? store.entity(hit.id) : undefined;
}
