/**
 * What the ad platform stand-ins share: the request context, strict field checks, and how a
 * stand-in records what it accepted. Each vendor's module validates as strictly as the vendor
 * documents (required fields, limits, formats, time windows, auth) and stricter where the
 * vendor fails silently (an unhashed email in a hashed field, an IP address that HIPAA mode
 * never sends), then answers in the vendor's own shape.
 */
import type { FastifyInstance } from 'fastify';
import type { FaultBook } from '../faults.js';
import type { Recorder } from '../recorder.js';

export interface AdContext {
  app: FastifyInstance;
  recorder: Recorder;
  faults: FaultBook;
  /** Access tokens that count as valid; undefined: any non-empty token. */
  tokens?: string[];
}

/** One event of a recorded request, for the sandbox page. */
export interface AdEvent {
  name: string;
  timestampMs?: number;
  event: Record<string, unknown>;
}

export const HEX64 = /^[0-9a-f]{64}$/;
export const DAY_S = 24 * 3600;

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function tokenValid(context: AdContext, token: string | undefined): boolean {
  if (token === undefined || token === '') return false;
  return context.tokens === undefined || context.tokens.includes(token);
}

/** `Authorization: Bearer x` -> `x`. */
export function bearer(header: unknown): string | undefined {
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Problems with a time in seconds: in the future, or older than `days`. */
export function timeProblem(path: string, value: unknown, days: number, unit: 's' | 'ms' = 's'): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return `${path} must be an integer (${unit === 's' ? 'seconds' : 'milliseconds'})`;
  const seconds = unit === 's' ? value : value / 1000;
  const now = Date.now() / 1000;
  if (unit === 's' && value > 1e11) return `${path} is in milliseconds; seconds are required`;
  if (seconds > now + 300) return `${path} is in the future`;
  if (seconds < now - days * DAY_S) return `${path} is older than ${days} days`;
  return undefined;
}

export function hashedProblem(path: string, value: unknown): string | undefined {
  return typeof value === 'string' && HEX64.test(value) ? undefined : `${path} must be a lower-case SHA-256 hex digest`;
}

export function urlProblem(path: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `${path} is required`;
  return /^https?:\/\/[^\s/]+/.test(value) ? undefined : `${path} must be an absolute http(s) URL`;
}

/** Records an accepted request, without its credentials. */
export function record(context: AdContext, vendor: string, path: string, body: unknown, validation: { problems: string[]; refused: number[] }): void {
  context.recorder.add({ vendor, path, query: {}, headers: {}, body, validation });
}
