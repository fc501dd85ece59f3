/** The `settings:` of a TikTok Events API destination. */
import { z } from 'zod';
import { httpUrl, secret } from '@palisade/schema';

export const tiktokSettings = z.strictObject({
  /** The pixel code events are reported to (`event_source_id`). */
  pixelCode: z.string().regex(/^[A-Z0-9]{8,32}$/, 'a TikTok pixel code: capital letters and digits'),
  accessToken: secret(),
  /** Events Manager's test event code: events show under "Test events". */
  testEventCode: z
    .string()
    .regex(/^[A-Za-z0-9]{1,40}$/, 'a test event code such as TEST12345')
    .optional(),
  endpoint: httpUrl.default('https://business-api.tiktok.com'),
});

export type TiktokSettings = z.output<typeof tiktokSettings>;
