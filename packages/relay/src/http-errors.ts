/** Error replies from the one catalogue (`ERROR_CODES` in @palisade/schema): the status comes with the code. */
import type { FastifyReply } from 'fastify';
import { apiError, ERROR_CODES, type ErrorCode } from '@palisade/schema';

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, path?: string): FastifyReply {
  return reply.code(ERROR_CODES[code].status).send(apiError(code, message, path));
}
