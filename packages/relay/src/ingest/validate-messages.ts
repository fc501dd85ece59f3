/**
 * Validates each message on its own: valid messages go on, invalid ones are listed with their
 * index and reason. Messages get a messageId when the client sent none (the vendors' dedup key
 * is derived from it). A reason names schema fields only, never a key the client chose.
 */
import { randomUUID } from 'node:crypto';
import { messageSchema, problemsFrom, type Message } from '@palisade/schema';
import { messageProblem } from './parse-body.js';

/** Field names of the wire schema: the only names a rejection's path may show. */
const SCHEMA_FIELDS = new Set([
  'type',
  'messageId',
  'anonymousId',
  'userId',
  'timestamp',
  'sentAt',
  'context',
  'integrations',
  'event',
  'properties',
  'traits',
  'name',
  'category',
  'groupId',
  'previousId',
  'page',
  'url',
  'path',
  'referrer',
  'title',
  'search',
  'userAgent',
  'locale',
  'timezone',
  'ip',
  'library',
  'version',
  'consent',
  'categoryPreferences',
  'gpc',
  'region',
  'clickIds',
  'campaign',
  'sessionId',
  'shim',
]);

/** `context.consent.categoryPreferences.<client key>` -> `context.consent.categoryPreferences.*` */
export function schemaPath(path: string): string {
  return path
    .split('.')
    .map((part) => {
      const field = part.replace(/\[\d+\]$/, '');
      return SCHEMA_FIELDS.has(field) || /^\[\d+\]$/.test(part) ? part : '*';
    })
    .join('.')
    .replace(/(?:\.\*)+/g, '.*');
}

export interface Rejection {
  index: number;
  code: 'invalid_message';
  message: string;
}

export interface Validated {
  messages: Message[];
  rejected: Rejection[];
}

export function validateMessages(raw: unknown[], defaults: { type?: string; sentAt?: string; context?: Record<string, unknown> } = {}): Validated {
  const messages: Message[] = [];
  const rejected: Rejection[] = [];
  raw.forEach((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      rejected.push({ index, code: 'invalid_message', message: 'a message must be an object' });
      return;
    }
    const problem = messageProblem(item);
    if (problem !== undefined) {
      rejected.push({ index, code: 'invalid_message', message: `message ${problem}` });
      return;
    }
    // The objects come fresh from JSON.parse and belong to this request: fill defaults in place.
    const candidate = item as Record<string, unknown>;
    if (defaults.type !== undefined) {
      if (candidate.type !== undefined && candidate.type !== defaults.type) {
        rejected.push({ index, code: 'invalid_message', message: `type: must be ${defaults.type} on this route` });
        return;
      }
      candidate.type = defaults.type;
    }
    if (candidate.sentAt === undefined && defaults.sentAt !== undefined) candidate.sentAt = defaults.sentAt;
    if (candidate.context === undefined && defaults.context !== undefined) candidate.context = defaults.context;
    const parsed = messageSchema.safeParse(candidate);
    if (!parsed.success) {
      const p = problemsFrom(parsed.error)[0];
      rejected.push({ index, code: 'invalid_message', message: p ? (p.path ? `${schemaPath(p.path)}: ${p.message}` : p.message) : 'invalid message' });
      return;
    }
    const message = parsed.data;
    if (message.messageId === undefined) message.messageId = randomUUID();
    messages.push(message);
  });
  return { messages, rejected };
}

/** Marks a validated message as sent under Global Privacy Control (the `Sec-GPC: 1` header). */
export function applyGpc(message: Message): void {
  const context = message.context ?? {};
  context.consent = { ...context.consent, gpc: true };
  message.context = context;
}
