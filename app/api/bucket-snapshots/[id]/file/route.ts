// GET /api/bucket-snapshots/{id}/file?path=<key>: one file as the snapshot holds it (note history), inert text.
import { withPrincipal } from '@/lib/auth/principal.ts';
import { snapshotFileHandler } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
export const GET = withPrincipal<{ params: Promise<{ id: string }> }>(snapshotFileHandler);
