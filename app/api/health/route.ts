// GET /api/health → {status, version, database}; 503 with a JSON body when the database is unreachable.
import { checkHealth } from '@/lib/health.ts';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const { status, body } = await checkHealth();
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}
