import { describe, expect, it } from 'vitest';
import type { CleanEvent } from '../../pipeline/clean-event.js';
import { webhookConnector } from './index.js';
import { signBody, verifySignature } from './sign.js';

const clean: CleanEvent = { eventId: 'e1', type: 'track', event: 'X', timestamp: '2026-11-24T10:00:00.000Z', properties: {}, traits: {}, context: {} };

describe('webhook connector', () => {
  it('sends signed JSON batches that a receiver can verify', () => {
    const now = new Date('2026-11-24T10:00:00.000Z');
    const request = webhookConnector.buildRequest([clean, { ...clean, eventId: 'e2' }], { url: 'https://hooks.example/in', secret: 'whsec' }, { now });
    expect(JSON.parse(request.body).batch.map((e: CleanEvent) => e.eventId)).toEqual(['e1', 'e2']);
    const header = request.headers['x-palisade-signature'];
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const t = Math.floor(now.getTime() / 1000);
    expect(verifySignature('whsec', request.body, header, t)).toBe(true);
    expect(verifySignature('other', request.body, header, t)).toBe(false);
    expect(verifySignature('whsec', `${request.body} `, header, t)).toBe(false);
    expect(verifySignature('whsec', request.body, header, t + 301)).toBe(false);
  });

  it('signs the timestamp together with the body', () => {
    expect(signBody('s', 'b', 1)).not.toBe(signBody('s', 'b', 2));
  });
});
