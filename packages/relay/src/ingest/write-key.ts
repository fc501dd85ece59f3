/** The write key is public: it names the source and its environment. Basic username or body `writeKey`. */

/** Decoded Basic headers: a site has a handful of write keys, so a small map saves a base64 decode per request. */
const decoded = new Map<string, string | undefined>();
const MAX_CACHED = 256;

/** The username of a Basic Authorization header (the write key), or undefined. */
export function basicUser(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Basic ')) return undefined;
  const cached = decoded.get(authorization);
  if (cached !== undefined || decoded.has(authorization)) return cached;
  const user = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8').split(':', 1)[0] || undefined;
  if (decoded.size >= MAX_CACHED) decoded.clear();
  decoded.set(authorization, user);
  return user;
}

export function writeKeyFrom(authorization: string | undefined, body: unknown): string | undefined {
  const user = basicUser(authorization);
  if (user) return user;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const key = (body as Record<string, unknown>).writeKey;
    if (typeof key === 'string' && key !== '') return key;
    // Segment's browser library, batching, puts the key in each message instead: one key, the
    // same in every message, or none.
    const batch = (body as Record<string, unknown>).batch;
    if (Array.isArray(batch) && batch.length > 0) {
      const keys = new Set(batch.map((m) => (m !== null && typeof m === 'object' ? (m as Record<string, unknown>).writeKey : undefined)));
      const [only] = keys;
      if (keys.size === 1 && typeof only === 'string' && only !== '') return only;
    }
  }
  return undefined;
}
