// Upstream's snapshot API: GET /api/bucket-snapshots/{id}/browse[?prefix=] (lib/snapshots/snapshot-routes.ts).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { browseSnapshotHandler } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
export const GET = withPrincipal<{ params: Promise<{ id: string }> }>(browseSnapshotHandler);
