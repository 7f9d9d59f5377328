// The plain-HTML pages of the MCP authorization flow (hand-back, refusals, authorize errors): no scripts, no
// external styles, so they render under a `default-src 'none'` CSP.
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

// The app's sign-in card, drawn with inline styles (these pages are plain HTML under a CSP without scripts or
// external styles): logo mark, a white card on the slate background, the message, what to do next.
const CARD = 'max-width:28rem;margin:0 auto;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;padding:1.5rem 1.75rem;box-shadow:0 1px 2px rgba(15,23,42,.06)';
const BRAND = '<p style="display:flex;align-items:center;justify-content:center;gap:.5rem;margin:0 0 2rem;font-weight:600;color:#0f172a">'
  + '<span aria-hidden="true" style="display:inline-grid;place-items:center;width:2rem;height:2rem;border-radius:.5rem;background:#2563eb;color:#fff;font-size:.875rem;font-weight:700">bm</span>'
  + 'Basic Memory <span style="color:#2563eb">Cloud</span></p>';
/** h1 of a plain-HTML page. */
export const pageHeading = (text: string) => `<h1 style="margin:0;font-size:1.25rem;font-weight:600;color:#0f172a">${esc(text)}</h1>`;
/** A muted follow-up line of a plain-HTML page. */
export const pageHint = (text: string) => `<p style="margin:1rem 0 0;color:#475569;font-size:.875rem">${esc(text)}</p>`;

/** A whole plain-HTML page: `body` goes inside the card (build it with pageHeading/pageHint; escape what you add). */
export function page(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}`
    + `<title>${esc(title)} · Basic Memory Cloud</title></head>`
    + `<body style="margin:0;min-height:100dvh;background:#f8fafc;font-family:ui-sans-serif,system-ui,sans-serif;line-height:1.5;color:#334155">`
    + `<main style="padding:3rem 1rem">${BRAND}<div style="${CARD}">${body}</div></main></body></html>`;
}

