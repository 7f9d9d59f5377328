// zod helpers for query strings. Booleans accept what upstream's Python CLI sends (True/False)
// as well as true/false/1/0; anything else is a 422 with a FastAPI-style detail list.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, zodDetail } from './errors.ts';

export const queryBool = (fallback: boolean) =>
  z.enum(['true', 'false', 'True', 'False', '1', '0'], { message: 'Input should be a valid boolean (true/false/True/False/1/0)' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === 'True' || v === '1'));

export const queryInt = (fallback: number, min: number, max: number) =>
  z.string().regex(/^\d+$/, 'Input should be a valid integer').optional()
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .pipe(z.number().int().min(min, `Input should be >= ${min}`).max(max, `Input should be <= ${max}`));

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'path'): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new HttpError(422, zodDetail(r.error, where));
  return r.data;
}

export function parseQuery<T extends z.ZodType>(req: FastifyRequest, schema: T): z.infer<T> {
  // A repeated key arrives as an array; take the last value like FastAPI does for scalars.
  const q: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) q[k] = Array.isArray(v) ? v[v.length - 1] : v;
  return parseWith(schema, q, 'query');
}

export function parseBody<T extends z.ZodType>(req: FastifyRequest, schema: T): z.infer<T> {
  return parseWith(schema, req.body, 'body');
}
