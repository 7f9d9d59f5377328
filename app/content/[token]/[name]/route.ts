// GET|HEAD /content/{token}/{name} — one of a person's files, viewed inline on the separate content origin
// (USER_CONTENT_ORIGIN), never on the app's: a request for any other host is 404, so this route cannot put user
// content back on the app's origin. No cookie is read; the signed, short-lived token (lib/http/user-content-link.ts)
// names the tenant, project and path. Even here nothing runs: the same script-less sandbox as every user file.
import { getConfig } from '@/lib/config/index.ts';
import { jsonError } from '@/lib/http/errors.ts';
import { isActiveType, mediaType } from '@/lib/http/user-content.ts';
import { verifyContentToken } from '@/lib/http/user-content-link.ts';
import { readFile, TenantNotesError } from '@/lib/notes/tenant-notes.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Inline, but a document without scripts, plugins, forms or an origin of its own. */
const VIEW_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'";
const MAX_VIEW_BYTES = 16 * 1024 * 1024;

type Ctx = { params: Promise<{ token: string; name: string }> };

async function handle(req: Request, ctx: Ctx): Promise<Response> {
  const { userContent, app } = getConfig();
  const host = req.headers.get('host');
  if (!userContent.origin || host !== new URL(userContent.origin).host) return jsonError(404, 'Not found.');
  const ref = verifyContentToken(app.authSecret, (await ctx.params).token);
  if (!ref) return jsonError(404, 'This link is not valid (any more): open the file again from the notes browser.');
  let file;
  try {
    file = await readFile(ref.tenantId, ref.project, ref.path, MAX_VIEW_BYTES);
  } catch (e) {
    if (e instanceof TenantNotesError) return jsonError(503, 'Your files cannot be read right now. Try again in a moment.', { headers: { 'retry-after': '2' } });
    throw e;
  }
  if (!file) return jsonError(404, 'This file is gone.');
  if (file.truncated) return jsonError(413, `This file is larger than ${MAX_VIEW_BYTES} bytes: download it from the notes browser instead.`);
  // Scripts and stylesheets are shown as what they are to a reader: text.
  const type = mediaType(file.contentType);
  const shown = isActiveType(type) && !/html|xml/.test(type) ? 'text/plain; charset=utf-8' : file.contentType;
  return new Response(req.method === 'HEAD' ? null : new Uint8Array(file.bytes), {
    headers: {
      'content-type': shown, 'content-length': String(file.bytes.length), 'content-security-policy': VIEW_CSP,
      'x-content-type-options': 'nosniff', 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer',
      'content-disposition': 'inline',
    },
  });
}

export { handle as GET, handle as HEAD };
