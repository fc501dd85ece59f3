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

/** URL-safe token characters, as the platforms issue them (base64url, dots for TikTok's prefixes). */
const TOKEN = /^[A-Za-z0-9._~-]{6,500}$/;
/** Meta's `fb.{subdomainIndex}.{creationTime ms}.{fbclid}`. */
const FBC = /^fb\.[0-2]\.\d{10,13}\.[A-Za-z0-9._~-]{6,500}$/;

function valid(name: ClickIdName, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (!(name === 'fbc' ? FBC : TOKEN).test(value)) return false;
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
