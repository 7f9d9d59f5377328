// The two refusals of a write past the tenant's limits, worded once for the routes that write request bodies.
import { HttpError } from './errors.ts';

/** 413: one upload over --max-upload-mb (the connection is closed: the rest of the body is not read). */
export const uploadTooLarge = (maxBytes: number) => new HttpError(413, `Upload too large: the limit is ${maxBytes} bytes`, { connection: 'close' });

/** 507: the write would take the tenant past --quota-mb. */
export const quotaExceeded = (quotaBytes: number) =>
  new HttpError(507, `Storage quota exceeded: this account may store ${quotaBytes} bytes. Delete files or ask for more space.`);
