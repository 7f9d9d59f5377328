// Every error leaves the tenant API as JSON `{"detail": ...}` (FastAPI style), never a stack trace.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { BadRequestError, ConflictError, NotFoundError, PathError, PreconditionFailedError } from '../engine.ts';
import { ProjectRequestError } from '../projects/project-registry.ts';
import { PathTooLongError } from '../fs/portable-name.ts';
import { HiddenPathError } from '../fs/visible-path.ts';

export class HttpError extends Error {
  status: number;
  detail: unknown;
  headers: Record<string, string>;
  constructor(status: number, detail: unknown, headers: Record<string, string> = {}) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

/** FastAPI's 422 body: a list of {type, loc, msg, input}. */
export function zodDetail(err: ZodError, where: 'query' | 'body' | 'path'): object[] {
  return err.issues.map((i) => ({ type: i.code, loc: [where, ...i.path.map(String)], msg: i.message }));
}

/** A refused path's status: hidden 403, too long 414, anything else 400. */
function pathErrorStatus(err: PathError): number {
  return err instanceof HiddenPathError ? 403 : err instanceof PathTooLongError ? 414 : 400;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send({ detail: 'Not Found' });
  });
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof HttpError) {
      if (err.status >= 500) req.log.error({ detail: err.detail }, 'request failed');
      reply.headers(err.headers).code(err.status).send({ detail: err.detail });
    } else if (err instanceof ProjectRequestError) {
      reply.code(err.status).send({ detail: err.message });
    } else if (err instanceof BadRequestError) {
      reply.code(400).send({ detail: err.message });
    } else if (err instanceof PreconditionFailedError) {
      reply.code(412).send({ detail: err.message });
    } else if (err instanceof PathError) {
      reply.code(pathErrorStatus(err)).send({ detail: err.message });
    } else if (err instanceof NotFoundError) {
      reply.code(404).send({ detail: err.message });
    } else if (err instanceof ConflictError) {
      reply.code(409).send({ detail: err.message });
    } else if (err instanceof ZodError) {
      reply.code(422).send({ detail: zodDetail(err, 'body') });
    } else if (typeof (err as FastifyError).statusCode === 'number' && (err as FastifyError).statusCode! < 500) {
      // Fastify's own client errors: bad JSON, unsupported media type, body too large, bad URL.
      reply.code((err as FastifyError).statusCode!).send({ detail: err.message });
    } else {
      req.log.error({ err }, 'unhandled error');
      reply.code(500).send({ detail: 'Internal server error' });
    }
  });
}
