/** The write key is public: it names the source and its environment. Basic username or body `writeKey`. */
export function writeKeyFrom(authorization: string | undefined, body: unknown): string | undefined {
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0];
    if (user) return user;
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const key = (body as Record<string, unknown>).writeKey;
    if (typeof key === 'string' && key !== '') return key;
  }
  return undefined;
}
