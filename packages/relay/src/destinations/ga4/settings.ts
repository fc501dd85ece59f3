/** The `settings:` of a GA4 destination. */
import { z } from 'zod';
import { httpUrl, secret } from '@palisade/schema';

export const ga4Settings = z.strictObject({
  measurementId: z.string().regex(/^G-[A-Z0-9]{4,20}$/, 'a GA4 measurement id such as G-ABC123DEF4'),
  apiSecret: secret(),
  /** Base URL of the Measurement Protocol; the vendor sandbox or the EU endpoint go here. */
  endpoint: httpUrl.default('https://www.google-analytics.com'),
});

export type Ga4Settings = z.output<typeof ga4Settings>;
