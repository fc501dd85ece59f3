/**
 * Generic webhook: JSON batches of clean events, signed with the destination's secret.
 * Receivers dedup on `eventId`.
 */
import type { z } from 'zod';
import type { webhookSettingsSchema } from '@palisade/schema';
import type { CleanEvent } from '../../pipeline/clean-event.js';
import { classifyHttp, type Connector } from '../connector.js';
import { SIGNATURE_HEADER, signBody } from './sign.js';

export type WebhookSettings = z.output<typeof webhookSettingsSchema>;

export const webhookConnector: Connector<WebhookSettings, CleanEvent> = {
  type: 'webhook',
  limits: { maxEvents: 100, maxBytes: 512 * 1024 },
  map: (event) => ({ payload: event, batchKey: '' }),
  buildRequest(payloads, settings, now) {
    const body = JSON.stringify({ batch: payloads, sentAt: now.toISOString() });
    return {
      url: settings.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signBody(settings.secret, body, Math.floor(now.getTime() / 1000)),
      },
      body,
    };
  },
  classify: classifyHttp,
};
