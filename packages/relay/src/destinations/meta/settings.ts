/** The `settings:` of a Meta Conversions API destination. */
import { z } from 'zod';
import { httpUrl, secret } from '@palisade/schema';

export const metaSettings = z.strictObject({
  /** The dataset (pixel) id events are sent to. */
  pixelId: z.string().regex(/^\d{5,20}$/, 'a Meta pixel (dataset) id: digits only'),
  accessToken: secret(),
  /** Graph API version; each is supported for at least two years after release. */
  apiVersion: z
    .string()
    .regex(/^v\d{2}\.0$/, 'a Graph API version such as v25.0')
    .default('v25.0'),
  /** Events Manager's "Test events" code: events show there as they arrive. */
  testEventCode: z
    .string()
    .regex(/^[A-Za-z0-9]{1,40}$/, 'a test event code such as TEST12345')
    .optional(),
  endpoint: httpUrl.default('https://graph.facebook.com'),
});

export type MetaSettings = z.output<typeof metaSettings>;
