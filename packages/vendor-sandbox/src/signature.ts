/**
 * Verifies `X-Palisade-Signature: t=<unix>,v1=<hex>` as an independent receiver would: this file
 * shares no code with the relay's signer, so a test through the sandbox checks the contract.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

export function checkSignature(secret: string | undefined, rawBody: string, header: string | undefined, nowSeconds: number): SignatureCheck {
  if (secret === undefined) return { valid: false, reason: 'no secret configured for this webhook' };
  if (!header) return { valid: false, reason: 'missing X-Palisade-Signature' };
  const fields = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(fields.get('t'));
  const v1 = fields.get('v1') ?? '';
  if (!Number.isInteger(t)) return { valid: false, reason: 'malformed timestamp' };
  if (Math.abs(nowSeconds - t) > 300) return { valid: false, reason: 'timestamp outside the 5 minute tolerance' };
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'signature mismatch' };
  return { valid: true };
}
