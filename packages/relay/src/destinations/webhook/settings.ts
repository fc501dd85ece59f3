/** The `settings:` of a webhook destination. */
import { z } from 'zod';
import { httpUrl, secret } from '@palisade/schema';

export const webhookSettings = z.strictObject({
  url: httpUrl,
  /** Signs every request: `X-Palisade-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>`. */
  secret: secret(),
});

export type WebhookSettings = z.output<typeof webhookSettings>;
