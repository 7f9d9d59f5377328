// POST /tenant/mount/credentials → {access_key, secret_key} (upstream contract §2.3): a new app password for the
// caller's tenant. Session (same-origin) or Bearer.
import { checkSameOrigin } from '@/lib/http/errors.ts';
import { resolvePrincipal } from '@/lib/auth/principal.ts';
import { MEMORY_WRITE, allowsMemory } from '@/lib/auth/memory-scopes.ts';
import { requestInfoFromHeaders } from '@/lib/auth/request-info.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { HttpError } from '@/lib/http/errors.ts';
import { mountCredentials } from './mount-credentials.ts';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  return mountCredentials(req, {
    resolvePrincipal: async (r) => {
      const p = await resolvePrincipal(r);
      if (p?.via === 'session') { const bad = checkSameOrigin(r, getConfig().app.appUrl); if (bad) throw bad; }
      if (p && p.via === 'app_password') throw new HttpError(403, 'App passwords cannot create credentials.');
      // Mount credentials can write every file: a read-only API key cannot mint them.
      if (p && !allowsMemory(p.scopes, MEMORY_WRITE)) throw new HttpError(403, 'This API key is read-only: it cannot create mount credentials.');
      return p;
    },
    db: getDb,
    subscribeUrl: () => getConfig().tenants.subscribeUrl,
    requestInfo: (r) => requestInfoFromHeaders(r.headers),
  });
}
