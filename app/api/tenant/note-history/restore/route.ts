// POST /api/tenant/note-history/restore {key, version, expected_checksum?} → the tenant's answer: "restore this
// version" of the per-write note history (an atomic write that keeps what it replaces as a version).
import { z } from 'zod';
import { apiRoute, refuseWith } from '@/lib/http/api-route.ts';
import { restoreWriteVersion, WRITE_VERSION_ID } from '@/lib/snapshots/write-history.ts';

export const dynamic = 'force-dynamic';

const Body = z.object({ key: z.string().min(1).max(4096), version: z.string().regex(WRITE_VERSION_ID), expected_checksum: z.string().regex(/^[0-9a-f]{64}$/i).optional() }).strict();
const BODY_SHAPE = 'The body must be {"key": "<project folder>/<path>", "version": "<version id>", "expected_checksum"?: "<sha256>"}.';

export const POST = apiRoute({
  tenant: 'own', scope: 'memory:write', body: Body, invalid: { body: refuseWith(422, BODY_SHAPE) },
}, async ({ tenant, body }) => restoreWriteVersion(tenant.id, body.key.replace(/^\/+/, ''), body.version, body.expected_checksum));
