// Unknown /api/* paths: a JSON 404, never an HTML page or a redirect (more specific routes win).
import { jsonError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const notFound = async () => jsonError(404, 'Not Found');
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as HEAD, notFound as OPTIONS };
