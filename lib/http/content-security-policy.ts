// The pages' Content-Security-Policy: scripts only from us and only with this response's nonce (Next
// puts the nonce on its own scripts when it finds it in the request's CSP header), no plugins, no
// framing, forms and base URL to ourselves. Styles allow inline attributes (React `style=` props)
// but only our own stylesheets. Development adds 'unsafe-eval' (React's dev tooling needs it).
export const CSP_HEADER = 'content-security-policy';
export const NONCE_HEADER = 'x-nonce';

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
