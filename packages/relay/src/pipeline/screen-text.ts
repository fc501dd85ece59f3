/**
 * The text the PHI screen looks at: a value as a person would read it, whatever encoding hid it.
 * Every step is one pass over the text (no backtracking patterns), and the caller bounds the
 * length (values longer than the forward limit are dropped before they are screened).
 *
 *  - NFKC folds full-width and compatibility forms: `０７８-０５-１１２０`, `jane＠example.com`.
 *  - Invisible format characters and combining marks are removed: `078\u200B05\u200B1120`.
 *  - Decimal digits of every script become ASCII digits: `٠٧٨` -> `078`.
 *  - Dash and dot look-alikes become `-` and `.`; every kind of space becomes one space.
 *  - Percent-encoding and numeric HTML entities are decoded to a fixed point, at most four rounds
 *    (`jane%2540example.com` -> `jane%40example.com` -> `jane@example.com`).
 */

const MAX_DECODE_ROUNDS = 4;
const FORMAT_AND_MARKS = /[\p{Cf}\p{M}]/gu;
const DASHES = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;
const DOTS = /[\u3002\uFF61\u2024\u2027\u00B7\u30FB]/g;
const SPACES = /[\s\p{Zs}]/gu;
const NON_ASCII_DIGIT = /[^\x00-\x7F]/u;
const DIGIT = /\p{Nd}/u;
const PERCENT = /%([0-9a-fA-F]{2})/g;
const PERCENT_U = /%u([0-9a-fA-F]{4})/g;
const ENTITY = /&#(?:x([0-9a-fA-F]{1,6})|(\d{1,7}));?|&(commat|period|plus|hyphen|dash|nbsp|colon|sol|amp);/g;
const NAMED: Record<string, string> = { commat: '@', period: '.', plus: '+', hyphen: '-', dash: '-', nbsp: ' ', colon: ':', sol: '/', amp: '&' };
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Non-ASCII decimal digits (Arabic-Indic, Devanagari, ...) to ASCII. Unicode keeps each script's
 * digits as one run of ten code points from zero, so a digit's value is its distance from the run's
 * start, modulo ten (runs of several styles, as in mathematical digits, stay aligned on ten). */
function asciiDigits(text: string): string {
  if (!NON_ASCII_DIGIT.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80 || !DIGIT.test(ch)) {
      out += ch;
      continue;
    }
    let start = cp;
    while (start > 0 && cp - start < 60 && DIGIT.test(String.fromCodePoint(start - 1))) start--;
    out += String((cp - start) % 10);
  }
  return out;
}

/** `%XX` runs decoded as UTF-8 bytes; malformed sequences are left as they are. */
function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const withU = text.replace(PERCENT_U, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  let out = '';
  let bytes: number[] = [];
  let last = 0;
  const flush = () => {
    if (bytes.length > 0) out += utf8.decode(Uint8Array.from(bytes));
    bytes = [];
  };
  for (const m of withU.matchAll(PERCENT)) {
    if (m.index !== last) {
      flush();
      out += withU.slice(last, m.index);
    }
    bytes.push(parseInt(m[1]!, 16));
    last = m.index + m[0].length;
  }
  flush();
  return out + withU.slice(last);
}

function entityDecode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED[name] ?? m;
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function fold(text: string): string {
  return asciiDigits(text.normalize('NFKC').replace(FORMAT_AND_MARKS, ''))
    .replace(DASHES, '-')
    .replace(DOTS, '.')
    .replace(SPACES, ' ');
}

/** The folded text, or undefined when it grows past `maxLength` (refuse rather than screen). */
export function screenText(value: string, maxLength = Infinity): string | undefined {
  let text = fold(value);
  for (let round = 0; round < MAX_DECODE_ROUNDS && text.length <= maxLength; round++) {
    const decoded = entityDecode(percentDecode(text));
    if (decoded === text) break;
    text = fold(decoded);
  }
  return text.length <= maxLength ? text : undefined;
}
