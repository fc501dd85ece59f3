/**
 * The page a tracker was seen on, as a template: the inventory records where trackers are, never
 * which visitor's page it was. On top of the URL rules (identifier-like segments become `:id`),
 * any segment with a digit, an encoded character or more than 32 characters becomes `:id`, and
 * only the first four segments are kept (`/patients/:id/visits/:id/...` names a section, not a
 * record). Query and fragment never enter.
 */
import { sanitizePath } from '../pipeline/sanitize-url.js';

const MAX_SEGMENTS = 4;

export function trackerPage(path: string): string {
  const segments = sanitizePath(path.slice(0, 2048)).split('/').slice(1);
  const kept = segments.slice(0, MAX_SEGMENTS).map((s) => (/[\d%@]/.test(s) || s.length > 32 ? ':id' : s));
  return `/${kept.join('/')}${segments.length > MAX_SEGMENTS ? '/...' : ''}`;
}
