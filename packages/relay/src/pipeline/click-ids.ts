/**
 * Ad click ids (identifier class B): the id an ad platform put in the landing URL, which the
 * SDK keeps first-party and sends in `context.clickIds`. Not derived from PHI, but the vendor
 * ties it to the person who clicked, so a click id beside a health event discloses that
 * person's visit: it goes only where the destination opted in and the event carries a patient
 * authorization (pipeline/identifiers.ts). Every value is untrusted: only the shapes the vendors
 * issue pass, and nothing that reads like PHI.
 */
import { phiKind } from './looks-like-phi.js';

export const CLICK_ID_NAMES = ['gclid', 'gbraid', 'wbraid', 'fbc', 'ttclid', 'li_fat_id', 'msclkid'] as const;
export type ClickIdName = (typeof CLICK_ID_NAMES)[number];
export type ClickIds = Partial<Record<ClickIdName, string>>;

/**
 * Each platform's click id as it issues them: Google's base64url tokens, TikTok's with its
 * `E.C.P.` prefix, Meta's `fb.{subdomainIndex}.{creationTime ms}.{fbclid}`, LinkedIn's UUID,
 * Microsoft's 32 hex digits. Free text of the right characters can still pass a token shape;
 * the PHI screen below catches what reads like an identifier.
 */
const SHAPES: Record<ClickIdName, RegExp> = {
  gclid: /^[A-Za-z0-9_-]{20,500}$/,
  gbraid: /^[A-Za-z0-9_-]{20,500}$/,
  wbraid: /^[A-Za-z0-9_-]{20,500}$/,
  fbc: /^fb\.[0-2]\.\d{13}\.[A-Za-z0-9_-]{20,500}$/,
  ttclid: /^[A-Za-z0-9._-]{20,500}$/,
  li_fat_id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  msclkid: /^[0-9a-f]{32}(?:-[01])?$/i,
};

function valid(name: ClickIdName, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (!SHAPES[name].test(value)) return false;
  // Hex digits and UUIDs cannot carry text; a run of digits in them is chance, not a phone number.
  if (name === 'msclkid' || name === 'li_fat_id') return true;
  // A token has letters; one that reads as an email, phone, SSN, date, IP or card number is not a
  // click id. Hex tokens are fine: an msclkid is a GUID's hex.
  const kind = phiKind(value);
  return /[A-Za-z]/.test(name === 'fbc' ? value.slice(value.lastIndexOf('.') + 1) : value) && (kind === undefined || kind === 'hash');
}

/** The click ids of `context.clickIds` that have a vendor's shape; unknown names are ignored. */
export function cleanClickIds(raw: unknown): ClickIds {
  const out: ClickIds = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  const source = raw as Record<string, unknown>;
  for (const name of CLICK_ID_NAMES) {
    if (Object.hasOwn(source, name) && valid(name, source[name])) out[name] = source[name] as string;
  }
  return out;
}
