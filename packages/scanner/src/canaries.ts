/**
 * Canary values: what the scanner types into forms, unique to one run, and the forms in which a
 * tracker could carry them away (as typed, normalized, URL-encoded, base64, or as an unkeyed
 * MD5/SHA-1/SHA-256 of the normalized value, which is how "advanced matching" sends them).
 *
 * Searching is linear in the text: a fixed set of needles, each found with `includes`, over the
 * text, its URL-decoded form and the decoded form of every base64-looking run in it.
 */
import { createHash, randomBytes } from 'node:crypto';

export type CanaryKind = 'first-name' | 'last-name' | 'email' | 'phone' | 'date-of-birth' | 'address' | 'zip' | 'ssn' | 'mrn' | 'symptoms';

export interface Canary {
  kind: CanaryKind;
  /** Says what it is in a report ("email", "phone (UK)"). */
  label: string;
  /** What is typed. */
  value: string;
  /** Normalized forms a tracker hashes (lower-case email, E.164 phone, YYYYMMDD, ...). */
  normalized: string[];
}

export interface CanarySet {
  token: string;
  all: Canary[];
  /** The value to type for a kind; phones rotate through countries (`index` is the nth phone field). */
  value(kind: CanaryKind, index?: number): string;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function letters(n: number): string {
  return [...randomBytes(n)].map((b) => LETTERS[b % 26]).join('');
}

function digits(n: number): string {
  return [...randomBytes(n)].map((b) => String(b % 10)).join('');
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A new set of canaries; `token` (letters only) makes every value unique to this run. */
export function makeCanaries(token = letters(6)): CanarySet {
  const t = token.toLowerCase();
  const us = `555${digits(7)}`;
  const uk = `7700${digits(6)}`;
  const de = `151${digits(8)}`;
  const year = 1950 + (randomBytes(1)[0]! % 50);
  const month = String(1 + (randomBytes(1)[0]! % 12)).padStart(2, '0');
  const day = String(1 + (randomBytes(1)[0]! % 28)).padStart(2, '0');
  const street = `${10 + (randomBytes(1)[0]! % 89)} ${cap(t)}wood Lane`;
  const zip = `9${digits(4)}`;
  const ssn = `9${digits(2)}-${digits(2)}-${digits(4)}`;
  const mrn = `MRN${digits(8)}`;
  const all: Canary[] = [
    { kind: 'first-name', label: 'first name', value: `Pal${t}`, normalized: [`pal${t}`] },
    { kind: 'last-name', label: 'last name', value: `Canary${t}`, normalized: [`canary${t}`] },
    { kind: 'email', label: 'email', value: `pal.${t}@example.com`, normalized: [`pal.${t}@example.com`] },
    { kind: 'phone', label: 'phone (US)', value: `(${us.slice(0, 3)}) ${us.slice(3, 6)}-${us.slice(6)}`, normalized: [`+1${us}`, `1${us}`, us] },
    { kind: 'phone', label: 'phone (UK)', value: `+44 ${uk.slice(0, 4)} ${uk.slice(4)}`, normalized: [`+44${uk}`, `44${uk}`] },
    { kind: 'phone', label: 'phone (DE)', value: `+49 ${de.slice(0, 3)} ${de.slice(3)}`, normalized: [`+49${de}`, `49${de}`] },
    { kind: 'date-of-birth', label: 'date of birth', value: `${year}-${month}-${day}`, normalized: [`${year}${month}${day}`, `${month}/${day}/${year}`] },
    { kind: 'address', label: 'street address', value: street, normalized: [street.toLowerCase()] },
    { kind: 'zip', label: 'ZIP code', value: zip, normalized: [zip] },
    { kind: 'ssn', label: 'SSN-like number', value: ssn, normalized: [ssn.replaceAll('-', '')] },
    { kind: 'mrn', label: 'MRN-like number', value: mrn, normalized: [mrn.toLowerCase()] },
    { kind: 'symptoms', label: 'symptoms (free text)', value: `Panic attacks and chest pain ${t}`, normalized: [`panic attacks and chest pain ${t}`] },
  ];
  const phones = all.filter((c) => c.kind === 'phone');
  return {
    token: t,
    all,
    value(kind, index = 0) {
      if (kind === 'phone') return phones[index % phones.length]!.value;
      return all.find((c) => c.kind === kind)!.value;
    },
  };
}

interface Needle {
  canary: Canary;
  form: string;
  needle: string;
}

const hex = (algorithm: string, s: string) => createHash(algorithm).update(s).digest('hex');

/** Short values (a ZIP code) are searched only as typed and hashed: five digits in clear match too much. */
const MIN_PLAIN = 6;

function needlesOf(c: Canary): Needle[] {
  const out: Needle[] = [];
  const add = (form: string, needle: string) => {
    if (needle.length > 0 && !out.some((n) => n.needle === needle.toLowerCase())) out.push({ canary: c, form, needle: needle.toLowerCase() });
  };
  if (c.value.length >= MIN_PLAIN) {
    add('plain', c.value);
    add('url-encoded', encodeURIComponent(c.value));
    add('form-encoded', encodeURIComponent(c.value).replaceAll('%20', '+'));
  }
  for (const n of c.normalized) {
    if (n.length >= MIN_PLAIN) add('normalized', n);
    add('md5', hex('md5', n));
    add('sha1', hex('sha1', n));
    add('sha256', hex('sha256', n));
  }
  return out;
}

export interface CanaryHit {
  canary: Canary;
  /** plain, url-encoded, form-encoded, normalized, base64, md5, sha1, sha256. */
  form: string;
}

/** Runs of base64 (standard or URL-safe) long enough to hold a canary. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

/**
 * Each base64-looking run decoded at all four alignments: a run often starts early (`/v1/eyJ...`
 * takes in the path's `v1/`), and a misaligned decode is garbage.
 */
function decodeBase64Runs(text: string): string {
  const parts: string[] = [];
  for (const match of text.matchAll(BASE64_RUN)) {
    const run = match[0].replaceAll('-', '+').replaceAll('_', '/');
    for (let skip = 0; skip < 4 && run.length - skip >= 12; skip++) parts.push(Buffer.from(run.slice(skip), 'base64').toString('latin1'));
  }
  return parts.join('\n');
}

/** Every well-formed `%XX` run decoded; a stray `%` elsewhere leaves the rest decodable. */
function urlDecoded(text: string): string {
  return text.replaceAll('+', ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** A searcher for one canary set (the needles are computed once). */
export function canarySearch(set: CanarySet): (text: string) => CanaryHit[] {
  const needles = set.all.flatMap(needlesOf);
  return (text) => {
    if (text.length === 0) return [];
    const lower = text.toLowerCase();
    const decoded = urlDecoded(text).toLowerCase();
    // Base64 in the text as sent, and base64 that was URL-encoded on top (%2B, %2F, %3D).
    const base64 = `${decodeBase64Runs(text)}\n${decodeBase64Runs(urlDecoded(text).replaceAll(' ', '+'))}`.toLowerCase();
    const hits: CanaryHit[] = [];
    const seen = new Set<Canary>();
    for (const n of needles) {
      if (seen.has(n.canary)) continue;
      if (lower.includes(n.needle) || decoded.includes(n.needle)) {
        hits.push({ canary: n.canary, form: n.form });
        seen.add(n.canary);
      }
    }
    if (base64.length > 1) {
      for (const n of needles) {
        if (seen.has(n.canary) || (n.form !== 'plain' && n.form !== 'normalized')) continue;
        if (base64.includes(n.needle)) {
          hits.push({ canary: n.canary, form: 'base64' });
          seen.add(n.canary);
        }
      }
    }
    return hits;
  };
}
