// Upstream's snapshot API: POST /api/bucket-snapshots/{id}/restore {"path"} (lib/snapshots/snapshot-routes.ts).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { restoreSnapshotHandler } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
export const POST = withPrincipal<{ params: Promise<{ id: string }> }>(restoreSnapshotHandler);
