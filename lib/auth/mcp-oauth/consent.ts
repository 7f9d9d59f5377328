// What the consent page and its decision share: the CSRF binding (user + this exact request) and the HTML
// hand-back page. The hand-back is a page, not a 303: the consent page's CSP `form-action 'self'` would stop a
// form submission's redirect to the client's own origin or scheme.
import { createHash } from 'node:crypto';
import { checkCsrf, csrfToken } from '../device-page.ts';
import { esc, page, PAGE_HEADERS, pageHeading } from './html-page.ts';

export function consentCsrf(secret: string, userId: string, requestToken: string): string {
  return csrfToken(secret, 'mcp-consent', userId, createHash('sha256').update(requestToken).digest('base64url'));
}

export function checkConsentCsrf(secret: string, token: unknown, userId: string, requestToken: string): boolean {
  return checkCsrf(secret, token, 'mcp-consent', userId, createHash('sha256').update(requestToken).digest('base64url'));
}

/** Sends the browser on to the client's redirect URI (meta refresh, plus a link for when that is blocked). */
export function handBack(location: string, host: string, approved: boolean): Response {
  const html = page('Returning to the application',
    pageHeading(approved ? 'Connected' : 'Not connected')
    + `<p style="margin:.75rem 0 0">Returning you to <strong>${esc(host)}</strong>…</p>`
    + `<p style="margin:1.25rem 0 0"><a data-testid="consent-continue" href="${esc(location)}" style="display:inline-block;border-radius:.5rem;background:#2563eb;color:#fff;padding:.5rem 1rem;font-size:.875rem;font-weight:600;text-decoration:none">Continue</a></p>`,
    `<meta http-equiv="refresh" content="0;url=${esc(location)}">`);
  return new Response(html, { status: 200, headers: PAGE_HEADERS });
}

/** A refusal the person sees (bad CSRF, expired request…): never a redirect. */
export function consentProblem(status: number, message: string): Response {
  return new Response(page('Cannot continue', `${pageHeading('Cannot continue')}<p data-testid="consent-problem" style="margin:.75rem 0 0">${esc(message)}</p>`), { status, headers: PAGE_HEADERS });
}
