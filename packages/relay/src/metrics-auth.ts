/** `Authorization: Bearer <token>` compared in constant time (the token is a secret). */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (!authorization?.startsWith('Bearer ')) return false;
  // Equal-length digests: the comparison leaks neither the token's length nor a prefix.
  return timingSafeEqual(digest(authorization.slice(7).trim()), digest(token));
}
