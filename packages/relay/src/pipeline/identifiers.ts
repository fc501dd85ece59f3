/**
 * Which identifiers beyond the masked ids (class A) one destination gets for one event:
 *  - class B, the vendor's own click ids, and class C, contact hashes, only when the event
 *    carries a patient authorization (consent-state.ts) AND the destination opted into that class
 *    (`identifiers: { clickIds: with-authorization }`);
 *  - and of those, only what the vendor takes (its connector's `identifiers` declaration): Meta
 *    gets `fbc`, never Google's `gclid`.
 * Pure; the rule is the same for every connector, which only places what it is given.
 */
import type { IdentifiersConfig, Message } from '@palisade/schema';
import { type ClickIdName, type ClickIds, cleanClickIds } from './click-ids.js';
import type { ConsentState } from './consent-state.js';
import { type EmailScheme, normalizeEmail, normalizePhone, type PhoneScheme, sha256Hex } from './contact-hash.js';

/** What a vendor can take beyond masked ids, declared by its connector. */
export interface IdentifierSupport {
  clickIds: readonly ClickIdName[];
  /** How the vendor normalizes an email before hashing; absent: it takes no email hash. */
  email?: EmailScheme;
  phone?: PhoneScheme;
}

export interface EventIdentifiers {
  clickIds?: ClickIds;
  /** SHA-256 hex of the email normalized the vendor's way. */
  emailSha256?: string;
  phoneSha256?: string;
}

/** The first string among the places a message carries a contact field. */
function contactField(message: Message, field: 'email' | 'phone'): unknown {
  const own = message.type === 'identify' || message.type === 'group' ? message.traits : 'properties' in message ? message.properties : undefined;
  const contextTraits = (message.context as { traits?: unknown } | undefined)?.traits;
  for (const source of [own, contextTraits]) {
    if (source !== null && typeof source === 'object' && Object.hasOwn(source, field)) {
      const value = (source as Record<string, unknown>)[field];
      if (typeof value === 'string') return value;
    }
  }
  return undefined;
}

/**
 * What the destinations of one message share: its checked click ids and its hashes per
 * normalization scheme, made once per message, not once per destination. Lives as long as the
 * prepared message (one request), like the raw values it was made from.
 */
export interface IdentifierMemo {
  clickIds?: ClickIds;
  hashes: Map<string, string | undefined>;
}

export function newIdentifierMemo(): IdentifierMemo {
  return { hashes: new Map() };
}

function memoHash(memo: IdentifierMemo, key: string, make: () => string | undefined): string | undefined {
  if (!memo.hashes.has(key)) {
    const normalized = make();
    memo.hashes.set(key, normalized === undefined ? undefined : sha256Hex(normalized));
  }
  return memo.hashes.get(key);
}

export function entitledIdentifiers(
  message: Message,
  consent: ConsentState | undefined,
  optIn: IdentifiersConfig,
  support: IdentifierSupport | undefined,
  phoneCountryCode: string,
  memo: IdentifierMemo = newIdentifierMemo(),
): EventIdentifiers | undefined {
  if (support === undefined || consent?.authorization !== true || consent.gpc) return undefined;
  const out: EventIdentifiers = {};
  if (optIn.clickIds === 'with-authorization' && support.clickIds.length > 0) {
    memo.clickIds ??= cleanClickIds(message.context?.clickIds);
    const clickIds: ClickIds = {};
    for (const name of support.clickIds) if (memo.clickIds[name] !== undefined) clickIds[name] = memo.clickIds[name];
    if (Object.keys(clickIds).length > 0) out.clickIds = clickIds;
  }
  if (optIn.contactHashes === 'with-authorization') {
    const { email: emailScheme, phone: phoneScheme } = support;
    const email = emailScheme === undefined ? undefined : memoHash(memo, `email:${emailScheme}`, () => normalizeEmail(contactField(message, 'email'), emailScheme));
    if (email !== undefined) out.emailSha256 = email;
    const phone =
      phoneScheme === undefined ? undefined : memoHash(memo, `phone:${phoneScheme}`, () => normalizePhone(contactField(message, 'phone'), phoneScheme, phoneCountryCode));
    if (phone !== undefined) out.phoneSha256 = phone;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Stored identifiers under the destination's opt-ins as they are now (delivery's recheck). */
export function recheckIdentifiers(identifiers: EventIdentifiers | undefined, optIn: IdentifiersConfig): EventIdentifiers | undefined {
  if (identifiers === undefined) return undefined;
  const out: EventIdentifiers = {};
  if (optIn.clickIds === 'with-authorization' && identifiers.clickIds !== undefined) out.clickIds = identifiers.clickIds;
  if (optIn.contactHashes === 'with-authorization') {
    if (identifiers.emailSha256 !== undefined) out.emailSha256 = identifiers.emailSha256;
    if (identifiers.phoneSha256 !== undefined) out.phoneSha256 = identifiers.phoneSha256;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
