// Tenant answers → the BFF's `{"detail"}` errors: unknown project or path is 404, an index that is not
// ready is 503 with Retry-After, a path the tenant refused is 404 too (it names nothing of the caller's).
import { HttpError } from '../http/errors.ts';
import { TenantNotesError } from './tenant-notes.ts';

export function notesApiError(e: unknown): unknown {
  if (!(e instanceof TenantNotesError)) return e;
  if (e.status === 404 || e.status === 400) return new HttpError(404, 'Not found.');
  if (e.status === 503) return new HttpError(503, { error: 'not_indexed_yet', message: e.message }, { 'retry-after': '2' });
  if (e.status === 403) return new HttpError(403, e.message);
  if (e.status === 409 || e.status === 422) return new HttpError(e.status, e.message);
  return new HttpError(502, { error: 'tenant_error', message: e.message });
}
