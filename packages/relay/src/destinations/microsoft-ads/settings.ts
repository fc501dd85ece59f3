/** The `settings:` of a Microsoft Advertising (UET Conversions API) destination. */
import { z } from 'zod';
import { httpUrl, secret } from '@palisade/schema';

export const microsoftAdsSettings = z.strictObject({
  /** The UET tag id events are reported to. */
  tagId: z.string().regex(/^\d{4,20}$/, 'a UET tag id: digits only'),
  /** The Conversions API token generated for that tag in Microsoft Advertising. */
  accessToken: secret(),
  endpoint: httpUrl.default('https://capi.uet.microsoft.com'),
});

export type MicrosoftAdsSettings = z.output<typeof microsoftAdsSettings>;
