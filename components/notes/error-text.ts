// A person-readable line from an ApiError's `{"detail": …}` (string, {message}, or a validation list).
import { ApiError } from '@/lib/cloud-client/fetcher.ts';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const d = err.detail as unknown;
    if (typeof d === 'string') return d;
    if (d && typeof d === 'object' && 'message' in d && typeof (d as { message: unknown }).message === 'string') return (d as { message: string }).message;
    if (Array.isArray(d)) return d.map((x) => (x && typeof x === 'object' && 'msg' in x ? String((x as { msg: unknown }).msg) : String(x))).join('; ');
    return `Request failed (${err.status})`;
  }
  return err instanceof Error ? err.message : 'Something went wrong';
}
