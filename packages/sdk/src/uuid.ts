/**
 * RFC 4122 v4 ids. crypto.randomUUID needs a secure context; elsewhere a blob: URL, which ends in
 * a random v4 UUID the browser made, supplies one in a fraction of the code.
 */
export function uuid(): string {
  try {
    return crypto.randomUUID();
  } catch {
    const url = URL.createObjectURL(new Blob());
    URL.revokeObjectURL(url);
    return url.slice(-36);
  }
}
