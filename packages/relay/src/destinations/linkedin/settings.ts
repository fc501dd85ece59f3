/** The `settings:` of a LinkedIn Conversions API destination. */
import { z } from 'zod';
import { httpUrl, secret } from '@palisade/schema';

export const linkedinSettings = z.strictObject({
  /** An OAuth access token with the rw_conversions scope. */
  accessToken: secret(),
  /** The Marketing API version (`LinkedIn-Version`); each is served for about a year. */
  apiVersion: z
    .string()
    .regex(/^20\d{4}$/, 'a LinkedIn API version such as 202607')
    .default('202607'),
  endpoint: httpUrl.default('https://api.linkedin.com'),
});

export type LinkedinSettings = z.output<typeof linkedinSettings>;
