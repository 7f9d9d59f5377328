// Unknown /.well-known/* paths (openid-configuration, other suffixes clients probe): a JSON 404, never the HTML
// not-found page — OAuth clients read these as "not here" and try the next URL (more specific routes win).
import { jsonError } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';

const notFound = async () => jsonError(404, 'Not Found');
export { notFound as GET, notFound as POST, notFound as HEAD, notFound as OPTIONS };
