// Upstream's snapshot API: GET → {snapshots, total}; POST {"description"} → 201 (lib/snapshots/snapshot-routes.ts).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { createSnapshotHandler, listSnapshotsHandler } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
export const GET = withPrincipal(listSnapshotsHandler);
export const POST = withPrincipal(createSnapshotHandler);
