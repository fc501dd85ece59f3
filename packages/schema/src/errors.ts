/** Errors are values at every boundary: one shape for HTTP bodies, CLI output and logs. */
import type { z } from 'zod';

export interface ApiError {
  error: { code: string; message: string; path?: string };
}

export interface Problem {
  path: string;
  message: string;
}

export function apiError(code: string, message: string, path?: string): ApiError {
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
