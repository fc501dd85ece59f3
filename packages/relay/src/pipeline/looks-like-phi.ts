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
  /** free[i]: group i stands alone (no letter touches it), unlike the `081884` of a hex digest. */
  free: boolean[];
  /** The run follows a `v` (`v10.2.0.1`): a version, not an address. */
  version?: boolean;
}

/**
 * Characters that join digit groups into one run. `:`, `,` and `|` appear in hand-typed numbers
 * (`123|45|6789`); the CJK date markers make `1961年4月12日` the run 1961-4-12.
 */
const RUN_SEPARATORS = new Set([
  ' ',
  '-',
  '.',
  '/',
  '(',
  ')',
  '+',
  '_',
  ':',
  ',',
  '|',
  '*',
  '~',
  '#',
  ';',
  '\\',
  "'",
  '^',
  '年',
  '月',
  '日',
  '년',
  '월',
  '일',
  // Fillers that render as blanks or dashes: Hangul filler, braille blank, the katakana long mark.
  '\u3164',
  '\u1160',
  '\u115F',
  '\u2800',
  '\u30FC',
]);
/** Other punctuation, symbols and spaces outside ASCII (`•`, `、`, `∕`, `～`) join groups too. */
const OTHER_SEPARATOR = /[\p{P}\p{S}\p{Zs}]/u;
const isRunSeparator = (ch: string) => RUN_SEPARATORS.has(ch) || (ch.charCodeAt(0) > 127 && OTHER_SEPARATOR.test(ch));
/** Separators after which a two-digit year still reads as a date (`4/12/61`, `12-04-61`). */
const SHORT_YEAR_SEPARATORS = /^[-/ 年月日년월일]+$/;
/** Windows of a phone number: at most this many digit groups (`+1 (555) 010 44 77`). */
const MAX_PHONE_GROUPS = 6;
/** libphonenumber calls per value; more candidate windows than this count as a phone number. */
const PHONE_LOOKUP_BUDGET = 12;
/** Countries whose national format (leading 0, no country code) is tried for 0-prefixed numbers. */
const NATIONAL_COUNTRIES: CountryCode[] = ['GB', 'DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'CH', 'AT', 'IE', 'AU', 'NZ', 'IN', 'JP', 'KR', 'BR', 'MX', 'ZA', 'IL', 'TR'];

/** Month names in the languages of the sites we serve (English, Spanish, French, German, Italian,
 * Portuguese, Dutch, Russian in the genitive and nominative), with common abbreviations. */
const MONTHS = new Set([
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'setiembre',
  'octubre',
  'noviembre',
  'diciembre',
  'ene',
  'abr',
  'ago',
  'dic',
  'janvier',
  'février',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
  'janv',
  'févr',
  'avr',
  'juil',
  'déc',
  'januar',
  'februar',
  'märz',
  'maerz',
  'juni',
  'juli',
  'oktober',
  'dezember',
  'jän',
  'jänner',
  'okt',
  'dez',
  'gennaio',
  'febbraio',
  'aprile',
  'maggio',
  'giugno',
  'luglio',
  'settembre',
  'ottobre',
  'dicembre',
  'janeiro',
  'fevereiro',
  'março',
  'marco',
  'maio',
  'junho',
  'julho',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
  'januari',
  'februari',
  'maart',
  'mei',
  'augustus',
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
  'stycznia',
  'lutego',
  'marca',
  'kwietnia',
  'maja',
  'czerwca',
  'lipca',
  'sierpnia',
  'września',
  'października',
  'listopada',
  'grudnia',
  'ocak',
  'şubat',
  'mart',
  'nisan',
  'mayıs',
  'haziran',
  'temmuz',
  'ağustos',
  'eylül',
  'ekim',
  'kasım',
  'aralık',
  'ιανουαρίου',
  'φεβρουαρίου',
  'μαρτίου',
  'απριλίου',
  'μαΐου',
  'ιουνίου',
  'ιουλίου',
  'αυγούστου',
  'σεπτεμβρίου',
  'οκτωβρίου',
  'νοεμβρίου',
  'δεκεμβρίου',
  'ledna',
  'února',
  'března',
  'dubna',
  'května',
  'června',
  'července',
  'srpna',
  'září',
  'října',
  'listopadu',
  'prosince',
  'maj',
  'augusti',
  'marts',
  'mrt',
  'maret',
  'agustus',
  'desember',
  'tammikuuta',
  'helmikuuta',
  'maaliskuuta',
  'huhtikuuta',
  'toukokuuta',
  'kesäkuuta',
  'heinäkuuta',
  'elokuuta',
  'syyskuuta',
  'lokakuuta',
  'marraskuuta',
  'joulukuuta',
  // Roman numerals, as months are written in much of Europe: `12 IV 1961`, `12.IV.1961`.
  'i',
  'ii',
  'iii',
  'iv',
  'v',
  'vi',
  'vii',
  'viii',
  'ix',
  'x',
  'xi',
  'xii',
]);
/** Days written as ordinal words: `the twelfth of April 1961`. */
const ORDINAL_DAYS = new Map(
  [
    'first',
    'second',
    'third',
    'fourth',
    'fifth',
    'sixth',
    'seventh',
    'eighth',
    'ninth',
    'tenth',
    'eleventh',
    'twelfth',
    'thirteenth',
    'fourteenth',
    'fifteenth',
    'sixteenth',
    'seventeenth',
    'eighteenth',
    'nineteenth',
    'twentieth',
  ].map((word, i) => [word, i + 1]),
);
/** Words that may sit inside a written date: `12th of April 1961`, `12 de abril de 1961`. */
const DATE_FILLERS = new Set(['of', 'the', 'de', 'del', 'di', 'van', 'den', 'le', 'el', 'im', 'г', 'года', 'on', 'born']);
const ORDINAL = new Set(['st', 'nd', 'rd', 'th', 'er']);
/** A dotted run after one of these is a version (`build 4.2.0.12`), not an address. */
const VERSION_WORDS = new Set(['v', 'version', 'ver', 'build', 'release', 'app', 'firmware', 'os', 'windows', 'android', 'ios']);
/** Not top-level domains: `image@2x.png` is a file name. (`.zip` and `.mov` are TLDs and stay.) */
const FILE_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'avif',
  'ico',
  'bmp',
  'js',
  'mjs',
  'cjs',
  'css',
  'map',
  'json',
  'html',
  'htm',
  'pdf',
  'woff',
  'woff2',
  'ttf',
  'txt',
  'xml',
]);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => c >= 97 && c <= 122;
const LETTER = /\p{L}/u;
/** A letter of any script (text is lower-cased before the scan). */
const isWordChar = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return isLetter(c) || (c > 127 && !isRunSeparator(text[i]!) && LETTER.test(text[i]!));
};
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

/** YYYYMMDD, MMDDYYYY, DDMMYYYY, and the six-digit MMDDYY and DDMMYY (`041261`) standing alone. */
function compactDate(g: string, free: boolean): boolean {
  if (g.length === 6 && free) {
    const [a, b, c] = [g.slice(0, 2), g.slice(2, 4), g.slice(4)];
    return (isMonth(a) && isDay(b)) || (isDay(a) && isMonth(b)) || (isMonth(b) && isDay(c));
  }
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
  if (c.length !== 2 || !sameSeparator(separators)) return false;
  // Two-digit years with / or -: `4/12/61`. With dots only when day and month are zero-padded
  // (`12.04.61`): `1.13.16` is a version number. Never with `:` (`10:30:45` is a time).
  if (SHORT_YEAR_SEPARATORS.test(separators)) return true;
  return separators === '..' && a.length === 2 && b.length === 2;
}

/** `8 - 12 / 14 - 18` (opening hours) is not a date: a short date repeats its separator. */
function sameSeparator(separators: string): boolean {
  const half = separators.length / 2;
  return Number.isInteger(half) && separators.slice(0, half) === separators.slice(half);
}

/** Year first with two digits: `61-04-12`, `61/04/12` (and `610412`, see compactDate). */
function shortYearFirst(a: string, b: string, c: string, separators: string): boolean {
  return a.length === 2 && b.length === 2 && c.length === 2 && isMonth(b) && isDay(c) && (separators === '--' || separators === '//');
}

/** The SSA never issues area 000, 666 or 900-999, group 00 or serial 0000. */
function possibleSsn(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/**
 * A North American number: the area code starts with 2-9. (The exchange is not checked: test and
 * fictional numbers such as 555-010-4477 are what people type into forms.) Ten digits starting
 * with 1 are far more often a Unix time in seconds than a phone number.
 */
function northAmerican(digits: string): boolean {
  const national = digits.length === 11 ? digits.slice(1) : digits;
  return national[0]! >= '2';
}

/**
 * Whether these digits may be a phone number: 'phone' for certain, 'lookup' to ask
 * libphonenumber. Without `+`, `00` or a trunk `0`, a number is looked up only when written in
 * groups (`612 34 56 78`): a bare run of digits is more often a timestamp or an order number.
 */
function phoneCandidate(digits: string, plus: boolean, grouped: boolean, free: boolean): 'phone' | 'lookup' | undefined {
  if (plus) return digits.length >= 7 && digits.length <= 15 ? 'lookup' : undefined;
  if (digits.startsWith('00') || digits.startsWith('011')) return digits.length >= 9 && digits.length <= 17 ? 'lookup' : undefined;
  // North American numbers: ten digits (or eleven with the leading 1), area code 2-9.
  if ((digits.length === 10 || (digits.length === 11 && digits[0] === '1')) && northAmerican(digits)) return 'phone';
  if (digits.length >= 9 && digits.length <= 12 && (digits[0] === '0' || grouped)) return 'lookup';
  // An international number written without its `+` (`447400123456`).
  // Only standing alone: inside a hex or base64 token any long digit run would pass.
  if (!grouped && free && digits.length >= 11 && digits.length <= 15 && digits[0] !== '0') return 'lookup';
  return undefined;
}

function phoneLookup(digits: string, plus: boolean): boolean {
  if (plus) return parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true;
  if (digits.startsWith('00')) return parsePhoneNumberFromString(`+${digits.slice(2)}`)?.isPossible() === true;
  if (digits.startsWith('011')) return parsePhoneNumberFromString(`+${digits.slice(3)}`)?.isPossible() === true;
  // National numbers are written with their trunk 0 (`020 7946 0958`) or without it, as in
  // `612 34 56 78` (France); the latter are tried with the 0 put back.
  if (digits.length >= 11 && digits[0] !== '0' && parsePhoneNumberFromString(`+${digits}`)?.isValid() === true) return true;
  if (digits.length > 12) return false;
  const national = digits[0] === '0' ? digits : `0${digits}`;
  return NATIONAL_COUNTRIES.some((country) => parsePhoneNumberFromString(national, country)?.isValid() === true);
}

/**
 * Digits typed one at a time (`5 5 5 8 6 7 5 3 0 9`) are one number: three or more single-digit
 * groups in a row are merged before the detectors look at the run.
 */
function mergeSingleDigits(run: NumericRun): NumericRun {
  const groups: string[] = [];
  const separators: string[] = [];
  const free: boolean[] = [];
  for (let i = 0; i < run.groups.length; ) {
    let j = i;
    while (j < run.groups.length && run.groups[j]!.length === 1) j++;
    if (j - i >= 3) {
      groups.push(run.groups.slice(i, j).join(''));
      free.push(run.free[i]! && run.free[j - 1]!);
      if (j < run.groups.length) separators.push(run.separators[j - 1]!);
      i = j;
    } else {
      groups.push(run.groups[i]!);
      free.push(run.free[i]!);
      if (i + 1 < run.groups.length) separators.push(run.separators[i]!);
      i++;
    }
  }
  return { groups, separators, plus: run.plus, free, version: run.version };
}

/** Fixed forms over the run as written: SSN, dates and IPv4. */
function formKind(run: NumericRun): PhiKind | undefined {
  const { groups, separators } = run;
  const n = groups.length;
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g.length === 9 && possibleSsn(g.slice(0, 3), g.slice(3, 5), g.slice(5))) return 'ssn';
    if (compactDate(g, run.free[i]!)) return 'date';
    if (i + 2 < n) {
      const a = groups[i + 1]!;
      const b = groups[i + 2]!;
      if (g.length === 3 && a.length === 2 && b.length === 4 && possibleSsn(g, a, b)) return 'ssn';
      if (numericDate(g, a, b, separators[i]! + separators[i + 1]!) || shortYearFirst(g, a, b, separators[i]! + separators[i + 1]!)) return 'date';
    }
    // IPv4 written with dots, dashes or underscores (`ip-203-0-113-45`, as in cloud host names).
    const sep = separators[i];
    if (i + 3 < n && sep !== undefined && '.-_:'.includes(sep) && separators[i + 1] === sep && separators[i + 2] === sep) {
      if (groups.slice(i, i + 4).every((q) => q.length <= 3 && +q <= 255) && !(i === 0 && run.version)) return 'ip';
    }
  }
  return undefined;
}

/**
 * Numbers over windows of groups: cards (13-19 digits, Luhn) first, then phone numbers (at most
 * six groups). Past its first group a phone number has groups of two digits or more:
 * `120.0.6099.109` is a version, not a number.
 */
function numberKind(run: NumericRun, budget: { lookups: number }): PhiKind | undefined {
  const { groups, separators } = run;
  const n = groups.length;
  for (let i = 0; i < n; i++) {
    if (groups[i]!.length === 9 && possibleSsn(groups[i]!.slice(0, 3), groups[i]!.slice(3, 5), groups[i]!.slice(5))) return 'ssn';
    let digits = '';
    for (let j = i; j < n; j++) {
      digits += groups[j];
      if (digits.length > 19) break;
      if (digits.length >= 13 && luhn(digits)) return 'card';
    }
  }
  for (let i = 0; i < n; i++) {
    const plus = i === 0 ? run.plus : separators[i - 1]!.includes('+');
    let digits = '';
    for (let j = i; j < n && j - i < MAX_PHONE_GROUPS; j++) {
      if (j > i && groups[j]!.length < 2) break;
      digits += groups[j];
      const candidate = phoneCandidate(digits, plus, j > i, run.free[i] !== false);
      if (candidate === 'phone') return 'phone';
      if (candidate === 'lookup') {
        if (budget.lookups-- <= 0) return 'phone';
        if (phoneLookup(digits, plus)) return 'phone';
      }
    }
  }
  return undefined;
}

/**
 * Runs that are plainly numbers, not identifiers: a decimal (`0.123456789`, `3.141592653`), a
 * count with thousands separators (`1,234,567,890`), a US ZIP+4 code (`02134-1234`).
 */
function plainNumber(run: NumericRun): boolean {
  const { groups, separators } = run;
  if (groups.length === 2 && separators[0] === '.' && groups[0]!.length <= 3) return true;
  if (groups.length >= 2 && groups[0]!.length <= 3 && separators.every((s) => s === ',') && groups.slice(1).every((g) => g.length === 3)) return true;
  return groups.length === 2 && separators[0] === '-' && groups[0]!.length === 5 && groups[1]!.length === 4;
}

function runKind(run: NumericRun, budget: { lookups: number }): PhiKind | undefined {
  if (plainNumber(run)) return undefined;
  return formKind(run) ?? numberKind(mergeSingleDigits(run), budget);
}

/**
 * An address around this `@`: something before it, and a domain with a dot after it whose last
 * label has a letter (`jane@x.org`, `jane@пример.рф`; `jane @ x.org` with a space on both sides,
 * not a handle such as `us @clinic`, nor a file such as `logo@2x.png`).
 */
function emailAt(text: string, at: number): boolean {
  // `jane@@example.com`: the first `@` of a run decides.
  if (text[at - 1] === '@') return false;
  let after = at + 1;
  while (text[after] === '@') after++;
  const spacedBefore = text[at - 1] === ' ';
  const spacedAfter = text[after] === ' ';
  const before = spacedBefore ? at - 2 : at - 1;
  if (before < 0 || text[before] === ' ' || text[before] === '@') return false;
  const start = spacedAfter ? after + 1 : after;
  const end = Math.min(text.length, start + 256);
  let i = start;
  while (i < end && (isLetter(text.charCodeAt(i)) || isDigit(text.charCodeAt(i)) || text[i] === '-' || text[i] === '.' || isWordChar(text, i))) i++;
  const domain = text.slice(start, i).replace(/\.+$/, '');
  const lastDot = domain.lastIndexOf('.');
  if (lastDot <= 0) return false;
  // A space on one side only (`jane @example.com`) still reads as an address when the domain does;
  // `follow us @clinic` has no domain.
  const tld = domain.slice(lastDot + 1);
  if (tld.length < 2 || FILE_EXTENSIONS.has(tld)) return false;
  for (let k = 0; k < tld.length; k++) if (isWordChar(tld, k)) return true;
  return false;
}

/**
 * Written-out addresses: `jane (at) example (dot) com`, `jane at example dot com`,
 * `jane@example dot com`. Brackets are spaces by the time the words get here.
 */
function spelledEmail(words: string[]): boolean {
  const domain = (w: string | undefined) => w !== undefined && /^[^.@]+\.[^.@]{2,}/.test(w);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'at' && i > 0) {
      if (domain(words[i + 1])) return true;
      if (words[i + 1] !== undefined && words[i + 2] === 'dot' && (words[i + 3]?.length ?? 0) >= 2) return true;
    }
    if (w.indexOf('@') > 0 && words[i + 1] === 'dot' && (words[i + 2]?.length ?? 0) >= 2) return true;
  }
  return false;
}

/**
 * Month-name dates: `April 12, 1961`, `12 Apr 1961`, `12-apr-61`, `april 12th 1961`, `1961 apr 12`,
 * `12th of April 1961`, `12 avril 1961`, `12 апреля 1961 г.` (fillers such as `of` are skipped).
 */
function wordDate(all: string[]): boolean {
  // Ordinal words (`twelfth`, `twenty-first` is two tokens and reads as `twenty`, `first`) as numbers.
  const tokens: string[] = [];
  for (const t of all) {
    if (DATE_FILLERS.has(t)) continue;
    const ordinal = ORDINAL_DAYS.get(t);
    if (ordinal !== undefined && (tokens.at(-1) === 'twenty' || tokens.at(-1) === 'thirty')) tokens[tokens.length - 1] = String((tokens.at(-1) === 'twenty' ? 20 : 30) + ordinal);
    else tokens.push(ordinal === undefined ? t : String(ordinal));
  }
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [x, y, z] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (MONTHS.has(y) && isDay(x) && (isYear4(z) || (z.length === 2 && /^\d\d$/.test(z)))) return true;
    if (MONTHS.has(x) && isDay(y) && isYear4(z)) return true;
    if (isYear4(x) && MONTHS.has(y) && isDay(z)) return true;
  }
  return false;
}

/** Hex digests of the usual lengths (MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512): an unsalted hash of something. */
const DIGEST_LENGTHS = new Set([32, 40, 56, 64, 96, 128]);

/** A UUID written without dashes (version nibble 1-8, variant 8-b) is an id, not a digest. */
function uuidHex(hex: string): boolean {
  return hex.length === 32 && hex[12]! >= '1' && hex[12]! <= '8' && '89ab'.includes(hex[16]!);
}

/**
 * Tokens that may hide text: base64 or hex encodings of 8+ characters (an address as short as
 * `a@b.co`) are decoded once and the result screened too (`amFuZUBleGFtcGxlLmNvbQ==`).
 */
const MIN_ENCODED = 8;

function decodedToken(token: string): string | undefined {
  let bytes: Buffer;
  if (/^(?:[0-9a-f]{2}){4,}$/i.test(token)) bytes = Buffer.from(token, 'hex');
  else if (/^[a-z0-9+/_-]{8,}={0,2}$/i.test(token)) bytes = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  else return undefined;
  let printable = 0;
  for (const b of bytes) if (b >= 32 && b < 127) printable++;
  return bytes.length > 0 && printable / bytes.length > 0.9 ? bytes.toString('latin1') : undefined;
}

/** Work one value may cost: phone lookups and decoded tokens, shared by every nested scan. */
interface Budget {
  lookups: number;
  decodes: number;
}
/** Encoded-looking tokens decoded per value; more than this and the value is refused. */
const DECODE_BUDGET = 16;

function scan(text: string, decodeTokens: boolean, original: string, budget: Budget): PhiKind | undefined {
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
      // `#121212` is a colour and `a3f081884c` a digest: neither holds a six-digit date.
      const free = !(i > 0 && (isWordChar(text, i - 1) || text[i - 1] === '#')) && !(j < text.length && isWordChar(text, j));
      // `, ` separates list items (`1001, 1002, 1003`), not the groups of one number.
      if (run && pendingSeparator.length <= 3 && !pendingSeparator.includes(', ')) {
        run.groups.push(group);
        run.free.push(free);
        run.separators.push(pendingSeparator.replace(/[()]/g, '').replace(/ +/g, ' ') || ' ');
      } else {
        const plus = pendingSeparator.endsWith('+');
        const last = tokens[tokens.length - 1];
        const version = last !== undefined && VERSION_WORDS.has(last) && pendingSeparator.length <= 1;
        endRun();
        run = { groups: [group], separators: [], plus, free: [free], version };
      }
      tokens.push(group);
      pendingSeparator = '';
      // An ordinal suffix (`12th`) belongs to the number.
      if (ORDINAL.has(text.slice(j, j + 2)) && !isLetter(text.charCodeAt(j + 2))) j += 2;
      i = j;
      continue;
    }
    if (isWordChar(text, i)) {
      let j = i;
      while (j < text.length && isWordChar(text, j)) j++;
      tokens.push(text.slice(i, j));
      endRun();
      i = j;
      continue;
    }
    if (c === 64 /* @ */ && emailAt(text, i)) kind = 'email';
    const ch = text[i]!;
    if (isRunSeparator(ch)) {
      // Blanks count once: `555    010    4477` is spaced, not separated.
      if (pendingSeparator.length < 4 && !(ch === ' ' && pendingSeparator.endsWith(' '))) pendingSeparator += ch;
    } else endRun();
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
      const candidate = text.slice(s, e);
      // A visitor's address has a digit somewhere; `std::` (C++) and `a::b` are words.
      if (/\d/.test(candidate) && isIP(candidate) !== 0) return 'ip';
    }
    i = j;
  }

  // Written-out addresses, also glued with `_`, `-` or `/` (`jane_at_example_dot_com`).
  if (
    spelledEmail(
      text
        .replace(/[()[\]{}<>]/g, ' ')
        .split(' ')
        .filter((w) => w !== ''),
    )
  )
    return 'email';
  if (
    /[_/-]at[_/-]/.test(text) &&
    spelledEmail(
      text
        .replace(/[()[\]{}<>_/-]/g, ' ')
        .split(' ')
        .filter((w) => w !== ''),
    )
  )
    return 'email';
  // Encoded tokens may follow a key (`email=YUBiLmNv`): an `=` that is not base64 padding splits.
  for (const word of original.split(/[\s,;:"'<>()[\]{}|&?#]|=(?=[^=])/)) {
    if (word.length < MIN_ENCODED) continue;
    const lower = word.toLowerCase();
    if (DIGEST_LENGTHS.has(lower.length) && /^[0-9a-f]+$/.test(lower) && /\d/.test(lower) && /[a-f]/.test(lower) && !uuidHex(lower)) return 'hash';
    if (!decodeTokens) continue;
    const decoded = decodedToken(word);
    if (decoded !== undefined && budget.decodes-- <= 0) return 'unscreenable';
    if (decoded !== undefined) {
      const inner = screenText(decoded, MAX_FOLDED);
      if (inner === undefined) return 'unscreenable';
      const hidden = scan(inner.toLowerCase(), false, inner, budget);
      if (hidden !== undefined) return hidden;
    }
  }
  return undefined;
}

/**
 * Plain words skip the screen: ASCII letters, spaces and the usual punctuation, no word long
 * enough to be an encoding. Everything else (a digit, an @, a %, an &, non-ASCII) is screened.
 */
const SPELLED_AT = /(?:^|[^a-z])at(?:[^a-z]|$)/i;

function plainWords(value: string): boolean {
  let word = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (letter) {
      if (++word >= MIN_ENCODED) return false;
      continue;
    }
    word = 0;
    if (c !== 32 && c !== 45 && c !== 95 && c !== 39 && c !== 44 && c !== 46 && c !== 47) return false;
  }
  // `jane at example dot com` is all words.
  return !SPELLED_AT.test(value);
}

/**
 * Words made of digits and letters that pass for digits: `O78-O5-112O` and `4lll` (o for 0, l and
 * i for 1), and digit groups joined by `x` (`555x010x4477`). One pass over the words; words
 * without a digit are left alone (`lol`, `oil`).
 */
function digitLookalikes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (!(isLetter(text.charCodeAt(i)) || isDigit(text.charCodeAt(i)))) {
      out += text[i++];
      continue;
    }
    let j = i;
    let digits = 0;
    let letters = 0;
    let lookalike = true;
    while (j < text.length && (isLetter(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) {
      const ch = text[j]!;
      if (isDigit(text.charCodeAt(j))) digits++;
      else if (ch !== 'o' && ch !== 'l' && ch !== 'i' && ch !== 'x') lookalike = false;
      else letters++;
      j++;
    }
    const word = text.slice(i, j);
    if (lookalike && digits >= 1 && letters <= digits) {
      // `x` only between digits, as a separator: `2x` (retina images) keeps its meaning.
      out += word
        .replace(/o/g, '0')
        .replace(/[li]/g, '1')
        .replace(/(?<=\d)x(?=\d)/g, '-');
    } else {
      out += word;
    }
    i = j;
  }
  return out;
}

export function phiKind(value: string): PhiKind | undefined {
  if (plainWords(value)) return undefined;
  const text = screenText(value, MAX_FOLDED);
  if (text === undefined) return 'unscreenable';
  const budget = { lookups: PHONE_LOOKUP_BUDGET, decodes: DECODE_BUDGET };
  const lower = text.toLowerCase();
  const kind = scan(lower, true, text, budget);
  if (kind !== undefined) return kind;
  const unmasked = digitLookalikes(lower);
  return unmasked === lower ? undefined : scan(unmasked, false, unmasked, budget);
}
