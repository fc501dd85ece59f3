/** `Authorization: Bearer <token>` compared in constant time (the token is a secret). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './http-errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (!authorization?.startsWith('Bearer ')) return false;
  // Equal-length digests: the comparison leaks neither the token's length nor a prefix.
  return timingSafeEqual(digest(authorization.slice(7).trim()), digest(token));
}

/**
 * An `onRequest` hook for a route only the holder of `token` may read: without a configured token
 * the route does not exist (404), without the right bearer token it answers 401.
 */
export function bearerOnly(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (token === undefined) return sendError(reply, 'not_found', 'no such route');
    if (!bearerMatches(request.headers.authorization, token)) return sendError(reply.header('www-authenticate', 'Bearer'), 'unauthorized', 'a bearer token is required');
  };
}
