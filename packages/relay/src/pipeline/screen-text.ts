/**
 * The text the PHI screen looks at: a value as a person would read it, whatever encoding hid it.
 * Every step is one pass over the text (no backtracking patterns), and the caller bounds the
 * length (values longer than the forward limit are dropped before they are screened).
 *
 *  - NFKC folds full-width and compatibility forms: `０７８-０５-１１２０`, `jane＠example.com`.
 *  - Invisible format characters and combining marks are removed: `078\u200B05\u200B1120`.
 *  - Decimal digits of every script become ASCII digits: `٠٧٨` -> `078`.
 *  - Dash and dot look-alikes become `-` and `.`; every kind of space becomes one space.
 *  - Percent-encoding, HTML entities (numeric, and the named ones that hide punctuation, spaces or
 *    invisible characters) and `\\u`/`\\x` escapes are decoded to a fixed point, at most four rounds
 *    (`jane%2540example.com` -> `jane%40example.com` -> `jane@example.com`).
 */

const MAX_DECODE_ROUNDS = 4;
const FORMAT_AND_MARKS = /[\p{Cf}\p{M}]/gu;
const DASHES = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;
const DOTS = /[\u3002\uFF61\u2024\u2027\u00B7\u30FB]/g;
const SPACES = /[\s\p{Zs}]/gu;
const NON_ASCII_DIGIT = /\P{ASCII}/u;
const DIGIT = /\p{Nd}/u;
const PERCENT = /%([0-9a-fA-F]{2})/g;
const PERCENT_U = /%u([0-9a-fA-F]{4})/g;
const ENTITY = /&#(?:x([0-9a-fA-F]{1,6})|(\d{1,7}));?|&([A-Za-z]{2,20});/g;
/** Named entities that can hide an identifier's characters (the rest are left as they are). */
const NAMED: Record<string, string> = {
  commat: '@',
  period: '.',
  plus: '+',
  hyphen: '-',
  dash: '-',
  minus: '-',
  ndash: '-',
  mdash: '-',
  nbsp: ' ',
  colon: ':',
  sol: '/',
  amp: '&',
  lowbar: '_',
  num: '#',
  ast: '*',
  verbar: '|',
  vert: '|',
  bsol: '\\',
  semi: ';',
  comma: ',',
  lpar: '(',
  rpar: ')',
  thinsp: ' ',
  ensp: ' ',
  emsp: ' ',
  hairsp: ' ',
  numsp: ' ',
  puncsp: ' ',
  shy: '',
  ZeroWidthSpace: '',
  zwj: '',
  zwnj: '',
  NoBreak: '',
  lrm: '',
  rlm: '',
};
/** JavaScript and C escapes: `\u0040`, `\u{40}`, `\x40`. */
const ESCAPE = /\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g;
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
    if (name !== undefined) return Object.hasOwn(NAMED, name) ? NAMED[name]! : m;
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function escapeDecode(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(ESCAPE, (m, braced: string | undefined, u: string | undefined, x: string | undefined) => {
    const cp = parseInt(braced ?? u ?? x!, 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Dingbat digits that NFKC leaves alone: ⓿ ❶-❿ ➀-➉ ➊-➓ ⓵-⓾ (❿ and its kin are 10). */
const DINGBAT_DIGIT = /[\u24EA\u24FF\u2776-\u2793\u24F5-\u24FE]/g;
function dingbatDigit(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp === 0x24ea || cp === 0x24ff) return '0';
  const start = cp >= 0x24f5 && cp <= 0x24fe ? 0x24f5 : 0x2776 + Math.floor((cp - 0x2776) / 10) * 10;
  return String(cp - start + 1);
}

/** Defanged punctuation, as threat reports write addresses: `203[.]0[.]113[.]45`, `jane[@]x.org`. */
const DEFANGED = /[[({]([.@])[\])}]/g;

function fold(text: string): string {
  return asciiDigits(text.normalize('NFKC').replace(FORMAT_AND_MARKS, ''))
    .replace(DINGBAT_DIGIT, dingbatDigit)
    .replace(DASHES, '-')
    .replace(DOTS, '.')
    .replace(SPACES, ' ')
    .replace(DEFANGED, '$1');
}

/** The folded text, or undefined when it grows past `maxLength` (refuse rather than screen). */
export function screenText(value: string, maxLength = Infinity): string | undefined {
  let text = fold(value);
  for (let round = 0; round < MAX_DECODE_ROUNDS && text.length <= maxLength; round++) {
    const decoded = escapeDecode(entityDecode(percentDecode(text)));
    if (decoded === text) break;
    text = fold(decoded);
  }
  return text.length <= maxLength ? text : undefined;
}
