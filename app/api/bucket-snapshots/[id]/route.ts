// Upstream's snapshot API: GET /api/bucket-snapshots/{id} (show), DELETE (lib/snapshots/snapshot-routes.ts).
import { withPrincipal } from '@/lib/auth/principal.ts';
import { deleteSnapshotHandler, showSnapshotHandler } from '@/lib/snapshots/snapshot-routes.ts';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ id: string }> };
export const GET = withPrincipal<Ctx>(showSnapshotHandler);
export const DELETE = withPrincipal<Ctx>(deleteSnapshotHandler);
