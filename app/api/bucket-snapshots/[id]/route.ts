// Upstream's snapshot API: GET /api/bucket-snapshots/{id} (show), DELETE (lib/snapshots/snapshot-routes.ts).
import { snapshotRoutes } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
const routes = snapshotRoutes();
export const GET = routes.show;
export const DELETE = routes.remove;
