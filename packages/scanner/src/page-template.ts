/**
 * The template of a page: its path with identifier-like segments replaced by `:id` and no query.
 * Findings are keyed by template, so `/doctors/1234` and `/doctors/5678` share one finding id.
 */
const IDENTIFIER = /^\d+$|\d{3}|@|^[0-9a-f-]{16,}$|^[\w-]{24,}$/i;

export function pageTemplate(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return url;
  }
  return path
    .split('/')
    .map((segment) => (IDENTIFIER.test(segment) ? ':id' : segment))
    .join('/');
}
