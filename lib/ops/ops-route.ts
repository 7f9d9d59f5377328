// Shared wrapper of the /api/ops/* routes: ops only (404 JSON otherwise), bad queries → 400 {"detail"}.
import { jsonError, withJsonErrors } from '../http/errors.ts';
import type { SessionUser } from '../auth/session.ts';
import { requireApiOps } from './ops-api.ts';
import { OpsQueryError } from './ops-views.ts';

export function opsRoute<C>(handler: (req: Request, user: SessionUser, ctx: C) => Promise<Response>) {
  return withJsonErrors(async (req: Request, ctx: C) => {
    const user = await requireApiOps();
    try {
      return await handler(req, user, ctx);
    } catch (err) {
      if (err instanceof OpsQueryError) return jsonError(400, err.message);
      throw err;
    }
  });
}

export const noStore = { headers: { 'cache-control': 'no-store' } };
