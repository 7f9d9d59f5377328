// Upstream's snapshot API: GET → {snapshots, total}; POST {"description"} → 201 (lib/snapshots/snapshot-routes.ts).
import { snapshotRoutes } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
const routes = snapshotRoutes();
export const GET = routes.list;
export const POST = routes.create;
