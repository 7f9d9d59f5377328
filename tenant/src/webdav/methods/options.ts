// OPTIONS: the methods this server answers, and (from the router) its DAV classes.
import type { FastifyReply } from 'fastify';
import { ALLOW } from '../dav-location.ts';

export function options(reply: FastifyReply): void {
  reply.code(200).header('allow', ALLOW).header('content-length', '0').send();
}
