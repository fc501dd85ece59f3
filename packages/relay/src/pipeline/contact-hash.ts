/**
 * Contact hashes (identifier class C): unsalted SHA-256 of a normalized email or phone, which is
 * how Meta, Google, TikTok, LinkedIn and Microsoft match a conversion to their users. Such a hash
 * exists to be linked to a person, so it is not de-identified data: it is made only for an event
 * that carries a patient authorization, for a destination that opted in (pipeline/identifiers.ts).
 *
 * The vendors hash the same normalized text, with two differences that decide whether a match
 * happens at all:
 *  - email: trimmed and lower-cased everywhere; Google also removes the dots before the `@` of
 *    gmail.com and googlemail.com addresses; Microsoft removes dots and any `+tag` before the
 *    `@` of every address;
 *  - phone: Google, TikTok and Microsoft hash E.164 with its `+`; Meta hashes the digits with the
 *    country code and no `+`.
 * A value that is not an email or a phone number is not hashed (a hash of garbage matches no one,
 * and could be anything the visitor typed).
 */
import { createHash } from 'node:crypto';

export type EmailScheme = 'lowercase' | 'google' | 'microsoft';
export type PhoneScheme = 'e164' | 'digits';

/** One `@`, no spaces, a dotted domain: linear, and enough to tell an email from other text. */
const EMAIL = /^[^\s@]{1,64}@[^\s@.]{1,63}(?:\.[^\s@.]{1,63}){1,8}$/;
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export function normalizeEmail(raw: unknown, scheme: EmailScheme): string | undefined {
  if (typeof raw !== 'string' || raw.length > 320) return undefined;
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email)) return undefined;
  if (scheme === 'lowercase') return email;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (scheme === 'google') return GMAIL_DOMAINS.has(domain) ? `${email.slice(0, at).replace(/\./g, '')}@${domain}` : email;
  const local = email.slice(0, at).replace(/\+.*$/, '').replace(/\./g, '');
  return local === '' ? undefined : `${local}@${domain}`;
}

/** Only what people write in phone numbers: digits, spaces, `+ - . ( )`. */
const PHONE_TEXT = /^\+?[0-9\s().-]{4,30}$/;

/**
 * `+1 (555) 010-4477`, `555-010-4477` (with country code 1), `0044 20 7946 0958` -> the number
 * with its country code, in the scheme's form; undefined when it is not a plausible number.
 */
export function normalizePhone(raw: unknown, scheme: PhoneScheme, countryCode: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (!PHONE_TEXT.test(text)) return undefined;
  let digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) {
    // Already international.
  } else if (digits.startsWith('00')) {
    digits = digits.slice(2);
  } else if (countryCode === '1' && digits.length === 11 && digits.startsWith('1')) {
    // A North American number written with its leading 1.
  } else {
    digits = countryCode + digits.replace(/^0+/, '');
  }
  if (digits.length < 8 || digits.length > 15 || digits.startsWith('0')) return undefined;
  return scheme === 'e164' ? `+${digits}` : digits;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
