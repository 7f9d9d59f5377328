// GET /api/bucket-snapshots/{id}/file?path=<key>: one file as the snapshot holds it (note history), inert text.
import { snapshotRoutes } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
export const GET = snapshotRoutes().file;
