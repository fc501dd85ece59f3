import { describe, expect, it } from 'vitest';
import { messageSchema } from '@palisade/schema';
import { shimSightings } from './shim-sightings.js';

const m = (shim: string | undefined, path = '/book/48213') => messageSchema.parse({
  type: 'track', event: 'Lead', anonymousId: 'a', context: { ...(shim ? { shim } : {}), page: { path } },
});

describe('shimSightings', () => {
  it('names the vendor whose tag call a shim answered, with the page template', () => {
    expect(shimSightings([m('fbq'), m('gtag', '/'), m(undefined), m('unknown')])).toEqual([
      { origin: 'https://connect.facebook.net', kind: 'shim', page: '/book/:id', vendor: 'Meta (Facebook)' },
      { origin: 'https://www.google-analytics.com', kind: 'shim', page: '/', vendor: 'Google Analytics' },
    ]);
  });
});
