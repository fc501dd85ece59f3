/**
 * Marks the inline scripts of an HTML page the relay serves with a per-response nonce, so the
 * CSP can allow exactly them instead of `'unsafe-inline'`. Speculation rules are left unmarked:
 * inline speculation rules are refused (they make the browser prefetch or prerender). Scripts with
 * `src` need no nonce ('self' and the allowed origins cover them). One pass over the tags.
 */
import { randomBytes } from 'node:crypto';

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** `<script ...>` opening tags (attributes cannot contain an unquoted `>` in what we serve). */
const SCRIPT_TAG = /<script\b([^>]*)>/gi;
const HAS_SRC = /\ssrc\s*=/i;
const SPECULATION = /\stype\s*=\s*["']?\s*speculationrules/i;
const EXISTING_NONCE = /\snonce\s*=\s*("[^"]*"|'[^']*'|[^\s>]*)/gi;

export function markInlineScripts(html: string, nonce: string): string {
  return html.replace(SCRIPT_TAG, (_tag, attrs: string) => {
    // A nonce the page carried itself is not ours: it is replaced (or dropped).
    const rest = attrs.replace(EXISTING_NONCE, '');
    if (HAS_SRC.test(rest) || SPECULATION.test(rest)) return `<script${rest}>`;
    return `<script nonce="${nonce}"${rest}>`;
  });
}
