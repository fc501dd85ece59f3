/** The `settings:` of a Google Ads (click conversion upload) destination. */
import { z } from 'zod';
import { httpUrl, secret } from '@palisade/schema';

const customerId = z
  .string()
  .transform((s) => s.replace(/-/g, ''))
  .pipe(z.string().regex(/^\d{10}$/, 'a Google Ads customer id: 10 digits, dashes allowed'));

export const googleAdsSettings = z.strictObject({
  /** The account the conversion actions belong to. */
  customerId,
  /** The manager account used to reach it, when there is one (`login-customer-id`). */
  loginCustomerId: customerId.optional(),
  developerToken: secret(),
  /** OAuth2 client and the refresh token of a user with access to the account. */
  clientId: z.string().min(1).max(200),
  clientSecret: secret(),
  refreshToken: secret(),
  apiVersion: z
    .string()
    .regex(/^v\d{2}$/, 'a Google Ads API version such as v26')
    .default('v26'),
  /** Google checks the upload and stores nothing: for trying a setup. */
  validateOnly: z.boolean().default(false),
  endpoint: httpUrl.default('https://googleads.googleapis.com'),
  tokenUrl: httpUrl.default('https://oauth2.googleapis.com/token'),
});

export type GoogleAdsSettings = z.output<typeof googleAdsSettings>;
