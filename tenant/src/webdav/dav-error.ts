// A WebDAV refusal: the status and headers the handler answers with (413 with `Connection: close`, 400, 423…).
export class DavError extends Error {
  status: number;
  headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}
