/**
 * A URL path with the segments that look like an identifier replaced by `:id`: 3+ digits, an
 * email, a UUID or a long token. What the SDK sends of a path it does not own (a link's target,
 * a blocked request's page) goes through here; the relay templates every path again.
 */
const IDENTIFIER = /\d{3}|@|^[0-9a-f-]{16,}$|^[\w-]{24,}$/i;

export function pathTemplate(path: string): string {
  return path
    .split('/')
    .map((s) => (IDENTIFIER.test(s) ? ':id' : s))
    .join('/');
}
