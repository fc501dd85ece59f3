/**
 * Defence in depth for allowed values in HIPAA mode: a value allowed by name is still dropped when
 * it looks like a direct identifier (45 CFR 164.514(b)(2)): an email, phone number, SSN, card
 * number, IP address, a full calendar date, or an unsalted hash of one (a hex digest). Names and
 * record numbers cannot be told apart from ordinary text; for them the allowlist is the control.
 *
 * Hostile input runs through here, so the screen is a tokenizer, not a set of regular expressions:
 * `screenText` folds the value (NFKC, digits of every script, percent-encoding and entities
 * decoded to a fixed point), then one pass cuts it into words and numeric runs, and each detector
 * looks at a bounded window of tokens. Time is linear in the value's length; phone numbers go to
 * libphonenumber-js only for a bounded number of candidate windows per value, and a value with
 * more candidates than that is treated as a phone number (failing closed).
 */
import { isIP } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { screenText } from './screen-text.js';

/** `unscreenable`: the value grows past a bound when folded (NFKC expands some characters 18-fold). */
export type PhiKind = 'email' | 'ssn' | 'phone' | 'ip' | 'date' | 'card' | 'hash' | 'unscreenable';

/** Folded text longer than this is not screened but refused: it stays linear in the value's length. */
const MAX_FOLDED = 4096;

/** A run of digit groups joined by separators: `(555) 010-4477`, `078 05 1120`, `12.04.1961`. */
interface NumericRun {
  groups: string[];
  /** separators[i] sits between groups[i] and groups[i+1] (spaces collapsed, brackets dropped). */
  separators: string[];
  /** The run began with `+` (an international number). */
  plus: boolean;
}

const RUN_SEPARATORS = new Set([' ', '-', '.', '/', '(', ')', '+', '_']);
/** Windows of a phone number: at most this many digit groups (`+1 (555) 010 44 77`). */
const MAX_PHONE_GROUPS = 6;
/** libphonenumber calls per value; more candidate windows than this count as a phone number. */
const PHONE_LOOKUP_BUDGET = 12;
/** Countries whose national format (leading 0, no country code) is tried for 0-prefixed numbers. */
const NATIONAL_COUNTRIES: CountryCode[] = ['GB', 'DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'CH', 'AT', 'IE', 'AU', 'NZ', 'IN', 'JP', 'KR', 'BR', 'MX', 'ZA', 'IL', 'TR'];

const MONTHS = new Map<string, number>([
  ['january', 1], ['february', 2], ['march', 3], ['april', 4], ['may', 5], ['june', 6], ['july', 7],
  ['august', 8], ['september', 9], ['october', 10], ['november', 11], ['december', 12],
  ['jan', 1], ['feb', 2], ['mar', 3], ['apr', 4], ['jun', 6], ['jul', 7], ['aug', 8], ['sep', 9],
  ['sept', 9], ['oct', 10], ['nov', 11], ['dec', 12],
]);
const ORDINAL = new Set(['st', 'nd', 'rd', 'th']);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => c >= 97 && c <= 122;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102);

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

const isYear4 = (g: string) => g.length === 4 && +g >= 1900 && +g <= 2099;
const isMonth = (g: string) => g.length <= 2 && +g >= 1 && +g <= 12;
const isDay = (g: string) => g.length <= 2 && +g >= 1 && +g <= 31;

/** YYYYMMDD, MMDDYYYY or DDMMYYYY. */
function compactDate(g: string): boolean {
  if (g.length !== 8) return false;
  const [a, b, c] = [g.slice(0, 4), g.slice(4, 6), g.slice(6)];
  if (isYear4(a) && isMonth(b) && isDay(c)) return true;
  const [d, e, y] = [g.slice(0, 2), g.slice(2, 4), g.slice(4)];
  return isYear4(y) && ((isMonth(d) && isDay(e)) || (isDay(d) && isMonth(e)));
}

/** Three groups read as year-month-day, month/day/year or day.month.year. */
function numericDate(a: string, b: string, c: string, separators: string): boolean {
  if (isYear4(a) && isMonth(b) && isDay(c)) return true;
  const dayMonth = (isMonth(a) && isDay(b)) || (isDay(a) && isMonth(b));
  if (!dayMonth) return false;
  if (isYear4(c)) return true;
  // Two-digit years only with / or -: `4/12/61`. With dots, `1.13.16` is a version number.
  return c.length === 2 && !separators.includes('.');
}

function phoneCandidate(digits: string, plus: boolean): 'phone' | 'lookup' | undefined {
  if (plus) return digits.length >= 7 && digits.length <= 15 ? 'lookup' : undefined;
  if (digits.startsWith('00') || digits.startsWith('011')) return digits.length >= 9 && digits.length <= 17 ? 'lookup' : undefined;
  // North American numbers: any ten digits (or eleven with the leading 1) is a possible number.
  if (digits.length === 10 || (digits.length === 11 && digits[0] === '1')) return 'phone';
  if (digits[0] === '0' && digits.length >= 9 && digits.length <= 12) return 'lookup';
  return undefined;
}

function phoneLookup(digits: string, plus: boolean): boolean {
  if (plus) return parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true;
  if (digits.startsWith('00')) return parsePhoneNumberFromString(`+${digits.slice(2)}`)?.isPossible() === true;
  if (digits.startsWith('011')) return parsePhoneNumberFromString(`+${digits.slice(3)}`)?.isPossible() === true;
  return NATIONAL_COUNTRIES.some((country) => parsePhoneNumberFromString(digits, country)?.isValid() === true);
}

/** Detectors over one numeric run: SSN, card, date, IPv4 and phone windows. */
function runKind(run: NumericRun, budget: { lookups: number }): PhiKind | undefined {
  const { groups, separators } = run;
  const n = groups.length;
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g.length === 9) return 'ssn';
    if (compactDate(g)) return 'date';
    if (i + 2 < n) {
      const a = groups[i + 1]!;
      const b = groups[i + 2]!;
      if (g.length === 3 && a.length === 2 && b.length === 4) return 'ssn';
      if (numericDate(g, a, b, separators[i]! + separators[i + 1]!)) return 'date';
    }
    if (i + 3 < n && separators[i] === '.' && separators[i + 1] === '.' && separators[i + 2] === '.') {
      if (groups.slice(i, i + 4).every((q) => q.length <= 3 && +q <= 255)) return 'ip';
    }
    // Windows that start here: cards (13-19 digits, Luhn) and phone numbers (at most 6 groups).
    let digits = '';
    for (let j = i; j < n && digits.length <= 19; j++) {
      digits += groups[j];
      if (digits.length >= 13 && luhn(digits)) return 'card';
      if (j - i < MAX_PHONE_GROUPS) {
        const plus = i === 0 ? run.plus : separators[i - 1]!.includes('+');
        const candidate = phoneCandidate(digits, plus);
        if (candidate === 'phone') return 'phone';
        if (candidate === 'lookup') {
          if (budget.lookups-- <= 0) return 'phone';
          if (phoneLookup(digits, plus)) return 'phone';
        }
      }
    }
  }
  return undefined;
}

/**
 * An address around this `@`: something before it, and a domain with a dot after it
 * (`jane@x.org`; `jane @ x.org` with a space on both sides, not a handle such as `us @clinic`).
 */
function emailAt(text: string, at: number): boolean {
  const spaced = text[at - 1] === ' ';
  if (spaced !== (text[at + 1] === ' ')) return false;
  const before = spaced ? at - 2 : at - 1;
  if (before < 0 || text[before] === ' ' || text[before] === '@') return false;
  let dot = false;
  const end = Math.min(text.length, at + 256);
  for (let i = spaced ? at + 2 : at + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      dot = i > at + 1;
      continue;
    }
    if (!(isLetter(c) || isDigit(c) || c === 45 || c > 127)) break;
    if (dot && isLetter(c)) return true;
  }
  return false;
}

/** Written-out addresses: `jane (at) example (dot) com`, `jane at example dot com`. */
function spelledEmail(words: string[]): boolean {
  for (let i = 1; i + 1 < words.length; i++) {
    if (words[i] !== 'at') continue;
    const rest = words.slice(i + 1, i + 4);
    if (rest[0]?.includes('.') && /^[a-z0-9-]+\.[a-z]{2,}/.test(rest[0])) return true;
    if (rest[1] === 'dot' && rest[2] !== undefined && rest[2].length >= 2) return true;
  }
  return false;
}

/** Month-name dates: `April 12, 1961`, `12 Apr 1961`, `12-apr-61`, `april 12th 1961`, `1961 apr 12`. */
function wordDate(tokens: string[]): boolean {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [x, y, z] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (MONTHS.has(y) && isDay(x) && (isYear4(z) || z.length === 2 && /^\d\d$/.test(z))) return true;
    if (MONTHS.has(x) && isDay(y) && isYear4(z)) return true;
    if (isYear4(x) && MONTHS.has(y) && isDay(z)) return true;
  }
  return false;
}

/** Hex digests of the usual lengths (MD5, SHA-1, SHA-256, SHA-512): an unsalted hash of something. */
const DIGEST_LENGTHS = new Set([32, 40, 64, 128]);

/**
 * Tokens that may hide text: base64 or hex encodings of 12+ characters are decoded once and the
 * result screened too (`amFuZUBleGFtcGxlLmNvbQ==`).
 */
function decodedToken(token: string): string | undefined {
  let bytes: Buffer;
  if (/^(?:[0-9a-f]{2}){6,}$/.test(token)) bytes = Buffer.from(token, 'hex');
  else if (/^[a-z0-9+/_-]{16,}={0,2}$/i.test(token)) bytes = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  else return undefined;
  let printable = 0;
  for (const b of bytes) if (b >= 32 && b < 127) printable++;
  return bytes.length > 0 && printable / bytes.length > 0.9 ? bytes.toString('latin1') : undefined;
}

function scan(text: string, decodeTokens: boolean, original: string): PhiKind | undefined {
  const budget = { lookups: PHONE_LOOKUP_BUDGET };
  /** Words and numbers in order (for month-name dates), and whitespace-separated words. */
  const tokens: string[] = [];
  let run: NumericRun | undefined;
  let pendingSeparator = '';
  let kind: PhiKind | undefined;
  const endRun = () => {
    if (run) kind ??= runKind(run, budget);
    run = undefined;
    pendingSeparator = '';
  };

  for (let i = 0; i < text.length && kind === undefined; ) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      let j = i;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      const group = text.slice(i, j);
      tokens.push(group);
      if (run && pendingSeparator.length <= 3) {
        run.groups.push(group);
        run.separators.push(pendingSeparator.replace(/[()]/g, '').replace(/ +/g, ' ') || ' ');
      } else {
        const plus = pendingSeparator.endsWith('+');
        endRun();
        run = { groups: [group], separators: [], plus };
      }
      pendingSeparator = '';
      // An ordinal suffix (`12th`) belongs to the number.
      if (ORDINAL.has(text.slice(j, j + 2)) && !isLetter(text.charCodeAt(j + 2))) j += 2;
      i = j;
      continue;
    }
    if (isLetter(c)) {
      let j = i;
      while (j < text.length && isLetter(text.charCodeAt(j))) j++;
      tokens.push(text.slice(i, j));
      endRun();
      i = j;
      continue;
    }
    if (c === 64 /* @ */ && emailAt(text, i)) kind = 'email';
    const ch = text[i]!;
    if (RUN_SEPARATORS.has(ch)) {
      if (pendingSeparator.length < 4) pendingSeparator += ch;
    }
    else endRun();
    i++;
  }
  endRun();
  if (kind !== undefined) return kind;
  if (wordDate(tokens)) return 'date';

  // IPv6 (and IPv4 inside it): runs of hex digits, colons and dots with two colons or more.
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (!(isHex(c) || c === 58 || c === 46)) {
      i++;
      continue;
    }
    let j = i;
    let colons = 0;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d === 58) colons++;
      else if (!(isHex(d) || d === 46)) break;
      j++;
    }
    if (colons >= 2) {
      let [s, e] = [i, j];
      while (s < e && (text[s] === ':' || text[s] === '.') && text[s + 1] !== ':') s++;
      while (e > s && (text[e - 1] === ':' || text[e - 1] === '.') && text[e - 2] !== ':') e--;
      if (isIP(text.slice(s, e)) !== 0) return 'ip';
    }
    i = j;
  }

  if (spelledEmail(text.replace(/[()[\]{}<>]/g, ' ').split(' ').filter((w) => w !== ''))) return 'email';
  for (const word of original.split(/[\s,;:"'<>()[\]{}|]/)) {
    if (word.length < 12) continue;
    const lower = word.toLowerCase();
    if (DIGEST_LENGTHS.has(lower.length) && /^[0-9a-f]+$/.test(lower) && /\d/.test(lower) && /[a-f]/.test(lower)) return 'hash';
    if (!decodeTokens) continue;
    const decoded = decodedToken(word);
    if (decoded !== undefined) {
      const inner = screenText(decoded, MAX_FOLDED);
      if (inner === undefined) return 'unscreenable';
      const hidden = scan(inner.toLowerCase(), false, inner);
      if (hidden !== undefined) return hidden;
    }
  }
  return undefined;
}

/**
 * Plain words skip the screen: ASCII letters, spaces and the usual punctuation, no word long
 * enough to be an encoding. Everything else (a digit, an @, a %, an &, non-ASCII) is screened.
 */
const SPELLED_AT = /\bat\b/i;

function plainWords(value: string): boolean {
  let word = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (letter) {
      if (++word >= 12) return false;
      continue;
    }
    word = 0;
    if (c !== 32 && c !== 45 && c !== 95 && c !== 39 && c !== 44 && c !== 46 && c !== 47) return false;
  }
  // `jane at example dot com` is all words.
  return !SPELLED_AT.test(value);
}

export function phiKind(value: string): PhiKind | undefined {
  if (plainWords(value)) return undefined;
  const text = screenText(value, MAX_FOLDED);
  if (text === undefined) return 'unscreenable';
  return scan(text.toLowerCase(), true, text);
}
