// GET /api/me — who is calling (browser session or CLI Bearer token) and which tenant they reach.
// Used by `npm run cli -- status`.
import { apiRoute } from '@/lib/http/api-route.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({}, async ({ principal: p }) => ({
  user: { id: p.user.id, email: p.user.email, name: p.user.name },
  tenant: p.tenant ? { id: p.tenant.id, name: p.tenant.name, status: p.tenant.status } : null,
  via: p.via,
  scopes: p.scopes,
  ...(p.sessionId ? { cli_session_id: p.sessionId } : {}),
}));
