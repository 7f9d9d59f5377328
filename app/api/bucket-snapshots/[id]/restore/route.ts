// Upstream's snapshot API: POST /api/bucket-snapshots/{id}/restore {"path"} (lib/snapshots/snapshot-routes.ts).
import { snapshotRoutes } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
export const POST = snapshotRoutes().restore;
