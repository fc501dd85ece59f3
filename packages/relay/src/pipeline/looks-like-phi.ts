/**
 * Defence in depth for allowed properties in HIPAA mode: a value allowed by name is still dropped
 * when it looks like a direct identifier (45 CFR 164.514(b)(2)): an email, phone, SSN, card
 * number, IP address or a full calendar date. Names and record numbers cannot be told apart from
 * ordinary text; for them the allowlist is the control.
 */
import { isIP } from 'node:net';

const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
const SSN = /\b\d{3}-\d{2}-\d{4}\b/;
const PHONE = /(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)|\b\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b/;
/** Candidate address tokens; node's isIP decides (it knows compressed IPv6 such as 2001:db8::7). */
const IP_CANDIDATE = /[0-9A-Fa-f:.]{7,}/g;
const ISO_DATE = /\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b/;
const US_DATE = /\b(?:0?[1-9]|1[0-2])\/(?:0?[1-9]|[12]\d|3[01])\/(?:19|20)?\d{2}\b/;
const CARD_CANDIDATE = /\b(?:\d[ -]?){13,19}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export type PhiKind = 'email' | 'ssn' | 'phone' | 'ip' | 'date' | 'card';

/** Every detector needs a digit, an @ or a colon: ordinary words skip all the patterns. */
const MAYBE_PHI = /[\d@:]/;

export function phiKind(value: string): PhiKind | undefined {
  if (!MAYBE_PHI.test(value)) return undefined;
  if (EMAIL.test(value)) return 'email';
  if (SSN.test(value)) return 'ssn';
  for (const m of value.matchAll(CARD_CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && luhn(digits)) return 'card';
  }
  if (PHONE.test(value)) return 'phone';
  for (const m of value.matchAll(IP_CANDIDATE)) {
    if (isIP(m[0]) !== 0 || isIP(m[0].replace(/^[:.]+|[:.]+$/g, '')) !== 0) return 'ip';
  }
  if (ISO_DATE.test(value) || US_DATE.test(value)) return 'date';
  return undefined;
}
