/** Errors are values at every boundary: one shape for HTTP bodies, CLI output and logs. */
import type { z } from 'zod';

/**
 * Every error code the relay answers with, its HTTP status, whether a client should send the
 * same request again later, and what it means. The README's error table is checked against this
 * list by a test; nothing answers with a code that is not here.
 */
export const ERROR_CODES = {
  invalid_body: { status: 400, retry: false, meaning: 'The body is not JSON, not a message or batch, or breaks a limit; `path` names the field where one is at fault.' },
  invalid_report: { status: 400, retry: false, meaning: 'A report sent to the CSP report endpoint is not a violation report.' },
  unauthorized: { status: 401, retry: false, meaning: 'The write key is unknown or missing (ingest), or the bearer token is (`/metrics`).' },
  origin_not_allowed: { status: 403, retry: false, meaning: "The request's Origin is not in `allowedOrigins` of the write key's environment." },
  not_found: { status: 404, retry: false, meaning: 'No such route or page.' },
  payload_too_large: { status: 413, retry: false, meaning: 'The body is larger than the route accepts (512 KB for ingest).' },
  unsupported_media_type: { status: 415, retry: false, meaning: 'Send `application/json` or `text/plain`.' },
  internal: { status: 500, retry: true, meaning: 'An unexpected error; the relay logged it without request data.' },
  busy: { status: 503, retry: true, meaning: 'Too many request bodies in flight; retry after `Retry-After`.' },
  store_unavailable: { status: 503, retry: true, meaning: 'The events could not be stored (nothing was acknowledged); send them again.' },
  not_ready: { status: 503, retry: true, meaning: '`/readyz`: the store cannot take writes.' },
} as const satisfies Record<string, { status: number; retry: boolean; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ApiError {
  error: { code: ErrorCode; message: string; path?: string };
}

export interface Problem {
  path: string;
  message: string;
}

export function apiError(code: ErrorCode, message: string, path?: string): ApiError {
  return path === undefined ? { error: { code, message } } : { error: { code, message, path } };
}

/** `destinations[1].settings.apiSecret` from zod's path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Flattens a zod error into one problem per issue, unions reduced to their most specific branch. */
export function problemsFrom(error: z.ZodError): Problem[] {
  const problems: Problem[] = [];
  const visit = (issues: z.core.$ZodIssue[], prefix: PropertyKey[]) => {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'invalid_union' && issue.errors.length > 0) {
        // Report the branch that got furthest: the one with the fewest top-level problems.
        const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
        visit(best, path);
        continue;
      }
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push({ path: formatPath([...path, key]), message: 'unknown key' });
        continue;
      }
      problems.push({ path: formatPath(path), message: issue.message });
    }
  };
  visit(error.issues, []);
  return problems;
}
