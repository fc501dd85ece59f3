import { describe, expect, it } from 'vitest';
import { messageSchema } from './wire.js';

describe('wire messages', () => {
  it('accepts the Segment shapes', () => {
    for (const m of [
      { type: 'track', event: 'Appointment Booked', anonymousId: 'a', properties: { x: 1 } },
      { type: 'identify', userId: 42, traits: { plan: 'basic' } },
      { type: 'page', anonymousId: 'a', name: 'Home', context: { page: { url: 'https://x.example/' } } },
      { type: 'group', userId: 'u', groupId: 'g', traits: {} },
      { type: 'alias', userId: 'u', previousId: 'a' },
      { type: 'screen', anonymousId: 'a', name: 'Home' },
    ]) {
      expect(messageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
    }
  });

  it('turns numeric ids into strings', () => {
    const m = messageSchema.parse({ type: 'identify', userId: 42 });
    expect(m.userId).toBe('42');
  });

  it('refuses messages without identity, unknown types and bad timestamps', () => {
    expect(messageSchema.safeParse({ type: 'track', event: 'x' }).success).toBe(false);
    expect(messageSchema.safeParse({ type: 'bogus', anonymousId: 'a' }).success).toBe(false);
    expect(messageSchema.safeParse({ type: 'track', event: 'x', anonymousId: 'a', timestamp: 'yesterday' }).success).toBe(false);
    expect(messageSchema.safeParse({ type: 'track', anonymousId: 'a' }).success).toBe(false);
    expect(messageSchema.safeParse({ type: 'group', anonymousId: 'a' }).success).toBe(false);
  });
});

describe('reserved event names', () => {
  it("lets a track call use only the SDK's own $ names", () => {
    for (const event of ['$click', '$submit', '$change', '$blocked', 'Appointment Booked', 'price $5']) {
      expect(messageSchema.safeParse({ type: 'track', event, anonymousId: 'a' }).success, event).toBe(true);
    }
    for (const event of ['$pageview', '$identify', '$group', '$alias', '$screen', '$anything']) {
      expect(messageSchema.safeParse({ type: 'track', event, anonymousId: 'a' }).success, event).toBe(false);
    }
  });
});
