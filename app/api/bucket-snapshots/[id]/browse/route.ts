// Upstream's snapshot API: GET /api/bucket-snapshots/{id}/browse[?prefix=] (lib/snapshots/snapshot-routes.ts).
import { snapshotRoutes } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
export const GET = snapshotRoutes().browse;
