/**
 * Safe by default: every parameter a migrated tag sent is judged by its name (and, for constants,
 * its value). Contact details and free text are dropped; identifiers and anything unknown are
 * masked (the vendor can still count and join on the value, not read it); only parameters known
 * to carry no personal or health information are allowed. The reason is kept for the report.
 */

export type Verdict = 'allow' | 'mask' | 'drop';

export type PhiKind = 'email' | 'phone' | 'name' | 'date of birth' | 'address' | 'free text' | 'URL with query' | 'identifier' | 'health detail';

export interface Judgement {
  verdict: Verdict;
  kind?: PhiKind;
  why: string;
}

/** Parameters that describe the commerce of an event, never a person: allowed as they are. */
const KNOWN_SAFE = new Set([
  'currency',
  'currency_code',
  'currencycode',
  'value',
  'conversion_value',
  'content_category',
  'content_type',
  'num_items',
  'quantity',
  'price',
  'revenue_value',
  'event_category',
]);

const NAME_RULES: Array<[RegExp, PhiKind, Verdict]> = [
  [/e-?mail|(^|_)em$|^sha256_email/i, 'email', 'drop'],
  [/phone|mobile|(^|_)tel$|(^|_)ph$|cell/i, 'phone', 'drop'],
  [/(^|_)(first|last|full|given|family|middle|user|patient|customer)_?name$|^(fn|ln|name)$/i, 'name', 'drop'],
  [/birth|(^|_)dob$|bday|(^|_)db$|(^|_)age$/i, 'date of birth', 'drop'],
  [/address|street|(^|_)(city|zip|zip_?code|postal|postal_?code|zp|ct|st|region|country)$/i, 'address', 'drop'],
  [/symptom|diagnos|condition|reason|medication|insurance|notes?$|message|comment|description|search|query|(^|_)q$|term/i, 'free text', 'drop'],
  [/(^|_)(page_location|page_referrer|page_url|url|referrer|dl|dr|href|link_url)$/i, 'URL with query', 'drop'],
  [/ssn|mrn|member|patient|(^|_)(user_id|external_id|client_id|customer_id|account|transaction_id|order_id|id|uid)$/i, 'identifier', 'mask'],
];

const EMAIL_VALUE = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
const PHONE_VALUE = /\+?\d[\d\s().-]{7,}\d/;

/** Longer values are not judged by pattern (the patterns would cost quadratic time), only refused. */
const MAX_JUDGED = 320;

function looksLikeContact(value: string): 'email' | 'phone' | undefined {
  if (value.length > MAX_JUDGED) return undefined;
  if (value.includes('@') && EMAIL_VALUE.test(value)) return 'email';
  return PHONE_VALUE.test(value) ? 'phone' : undefined;
}

export function judgeParameter(name: string, constantValue?: string): Judgement {
  const key = name.toLowerCase().slice(0, 200);
  for (const [pattern, kind, verdict] of NAME_RULES) {
    if (pattern.test(key)) {
      return verdict === 'drop'
        ? { verdict, kind, why: `the name says ${kind}: it would identify the patient or describe their health, so it is not sent` }
        : { verdict, kind, why: `the name says ${kind}: masked with the relay's key, so the vendor can count and join on it but not read it` };
    }
  }
  const contact = constantValue === undefined ? undefined : looksLikeContact(constantValue);
  if (contact !== undefined) return { verdict: 'drop', kind: contact, why: 'the value looks like contact details' };
  if (KNOWN_SAFE.has(key)) return { verdict: 'allow', why: 'known to carry no personal or health information' };
  return { verdict: 'mask', why: 'not known to be safe: masked until someone who knows the data allows it' };
}

/** Values shown in reports: whatever looks like a token, key or another system's id is withheld. */
export function printableConstant(value: string): string {
  const v = value.trim();
  if (v.length > 40) return '(long value, not shown)';
  if (/^EAA|^sk_|^pk_|^rk_|^ghp_|^xox|^AKIA|^ya29\.|^eyJ|bearer|token|secret|passw|api[_-]?key/i.test(v)) return '(looks like a token, not shown)';
  // Google's own tag ids (G-, AW-, GT-, DC-) are named in the config anyway.
  if (/^(G|AW|GT|DC)-[A-Z0-9]{4,20}$/.test(v)) return v;
  // Letters and digits mixed in a run of 10 or more: a key, token or another system's id.
  if (/[A-Za-z0-9_\-=+/.]{10,}/.test(v) && /\d/.test(v) && /[A-Za-z]/.test(v)) return '(looks like a token, not shown)';
  if (/\d{5,}/.test(v)) return '(an id, not shown)';
  if (looksLikeContact(v) !== undefined) return '(contact details, not shown)';
  return v;
}

/**
 * A constant that may be sent to a vendor as it is: a known-safe parameter (currency, content
 * type) with a short plain value that is not a token, an id or contact details. Anything else in
 * a constant (an access token, `content_name: Oncology consult`) is dropped.
 */
export function sendableConstant(name: string, value: string): boolean {
  return KNOWN_SAFE.has(name.toLowerCase()) && /^[\w .,-]{1,40}$/.test(value) && printableConstant(value) === value.trim();
}
