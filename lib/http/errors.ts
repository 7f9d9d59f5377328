// Uniform JSON errors for API routes: `{"detail": …}` (FastAPI style, what the upstream CLI reads).
// API paths never redirect; auth failures are 401 JSON, other people's resources are 404.

export type ErrorDetail = string | Record<string, unknown>;

/** A JSON error response `{"detail": detail}` with `Cache-Control: no-store`. */
export function jsonError(status: number, detail: ErrorDetail, init?: { headers?: HeadersInit }): Response {
  const headers = new Headers(init?.headers);
  headers.set('content-type', 'application/json');
  headers.set('cache-control', 'no-store');
  return new Response(JSON.stringify({ detail }), { status, headers });
}

/** Throw from anywhere in a route handler; apiRoute (or `withJsonErrors`) turns it into `jsonError`. */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: ErrorDetail;
  readonly headers?: HeadersInit;
  constructor(status: number, detail: ErrorDetail, headers?: HeadersInit) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.name = 'HttpError';
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

export const notFound = (detail: ErrorDetail = 'Not found.') => new HttpError(404, detail);
/** The caller's account reaches no tenant (a member of none). */
export const noTenant = () => new HttpError(404, 'No tenant for this account.');

/** Converts a thrown error into a JSON response (500s never expose messages or stacks). */
export function errorToResponse(err: unknown): Response {
  if (err instanceof HttpError) return jsonError(err.status, err.detail, { headers: err.headers });
  // Next's redirect()/notFound() must not be used in API routes; treat anything else as a 500.
  console.error('[api] unhandled error', err instanceof Error ? err.name + ': ' + err.message : typeof err);
  return jsonError(500, 'Internal server error.');
}

/** Wraps a route handler so thrown HttpErrors (and anything else) become JSON errors. */
export function withJsonErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (err) {
      return errorToResponse(err);
    }
  };
}

/**
 * For cookie-authenticated unsafe requests: the Origin header must be our own origin.
 * Returns a 403 HttpError to throw when it is missing or foreign.
 */
export function checkSameOrigin(req: Request, appUrl: string): HttpError | null {
  const method = req.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
  const origin = req.headers.get('origin');
  if (origin && origin === new URL(appUrl).origin) return null;
  return new HttpError(403, 'Cross-origin request refused.');
}
