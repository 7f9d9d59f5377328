// /mcp: the remote MCP endpoint (Streamable HTTP, stateless, 2025-era and 2026-07-28 clients). Bearer tokens only;
// everything is in lib/mcp/mcp-http.ts. next.config's skipTrailingSlashRedirect keeps /mcp/ from redirecting.
import { mcpEndpoint } from '@/lib/mcp/mcp-endpoint.ts';
import { errorToResponse } from '@/lib/http/errors.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

async function handle(req: Request): Promise<Response> {
  try {
    return await mcpEndpoint()(req);
  } catch (err) {
    return errorToResponse(err);
  }
}

export { handle as GET, handle as POST, handle as DELETE, handle as OPTIONS, handle as PUT, handle as PATCH };
