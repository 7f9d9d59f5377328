// What the consent page and its decision share: the CSRF binding (user + this exact request) and the HTML
// hand-back page. The hand-back is a page, not a 303: the consent page's CSP `form-action 'self'` would stop a
// form submission's redirect to the client's own origin or scheme.
import { createHash } from 'node:crypto';
import { checkCsrf, csrfToken } from '../device-page.ts';

export function consentCsrf(secret: string, userId: string, requestToken: string): string {
  return csrfToken(secret, 'mcp-consent', userId, createHash('sha256').update(requestToken).digest('base64url'));
}

export function checkConsentCsrf(secret: string, token: unknown, userId: string, requestToken: string): boolean {
  return checkCsrf(secret, token, 'mcp-consent', userId, createHash('sha256').update(requestToken).digest('base64url'));
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function page(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}`
    + `<title>${esc(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#0f172a">`
    + `<main>${body}</main></body></html>`;
}

/** Sends the browser on to the client's redirect URI (meta refresh, plus a link for when that is blocked). */
export function handBack(location: string, host: string, approved: boolean): Response {
  const html = page('Returning to the application',
    `<h1 style="font-size:1.25rem">${approved ? 'Connected' : 'Not connected'}</h1>`
    + `<p>Returning you to <strong>${esc(host)}</strong>…</p><p><a data-testid="consent-continue" href="${esc(location)}">Continue</a></p>`,
    `<meta http-equiv="refresh" content="0;url=${esc(location)}">`);
  return new Response(html, { status: 200, headers: PAGE_HEADERS });
}

/** A refusal the person sees (bad CSRF, expired request…): never a redirect. */
export function consentProblem(status: number, message: string): Response {
  return new Response(page('Cannot continue', `<h1 style="font-size:1.25rem">Cannot continue</h1><p data-testid="consent-problem">${esc(message)}</p>`), { status, headers: PAGE_HEADERS });
}
