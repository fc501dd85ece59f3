import { describe, expect, it } from 'vitest';
import { messageSchema } from '@palisade/schema';
import { browserSightings } from './browser-sightings.js';

const m = (shim: string | undefined, path = '/book/48213') =>
  messageSchema.parse({
    type: 'track',
    event: 'Lead',
    anonymousId: 'a',
    context: { ...(shim ? { shim } : {}), page: { path } },
  });
const blocked = (properties: Record<string, unknown>) =>
  messageSchema.parse({
    type: 'track',
    event: '$blocked',
    anonymousId: 'a',
    properties,
    context: { page: { path: '/patients/55512/visits' } },
  });

describe('browserSightings', () => {
  it('names the vendor whose tag call a shim answered, with the page template', () => {
    expect(browserSightings([m('fbq'), m('gtag', '/'), m(undefined), m('unknown')])).toEqual([
      { origin: 'https://connect.facebook.net', kind: 'shim', page: '/book/:id', vendor: 'Meta (Facebook)' },
      { origin: 'https://www.google-analytics.com', kind: 'shim', page: '/', vendor: 'Google Analytics' },
    ]);
  });

  it("turns the guard's $blocked events into sightings, named by origin and first path segment", () => {
    expect(
      browserSightings([
        blocked({ origin: 'https://www.google.com', kind: 'frame', page: '/locations', resource: '/maps' }),
        blocked({ origin: 'https://connect.facebook.net', kind: 'script', page: '/book/48213' }),
        blocked({ origin: 'wss://ws.hotjar.com', kind: 'connect', resource: '/api' }),
      ]),
    ).toEqual([
      { origin: 'https://www.google.com', kind: 'frame', page: '/locations', vendor: 'Google Maps' },
      { origin: 'https://connect.facebook.net', kind: 'script', page: '/book/:id', vendor: 'Meta (Facebook)' },
      { origin: 'wss://ws.hotjar.com', kind: 'connect', page: '/patients/:id/visits', vendor: 'Hotjar' },
    ]);
  });

  it('records realms the guard refused (code the page wrote) under their scheme, and nothing else that is not an origin', () => {
    expect(
      browserSightings([
        blocked({ origin: 'blob:', kind: 'script', page: '/book/48213' }),
        blocked({ origin: 'javascript:', kind: 'frame', resource: '/' }),
        blocked({ origin: 'about:', kind: 'frame' }),
        blocked({ origin: 'toString', kind: 'frame' }),
        blocked({ origin: 'blob:https://site.example/1', kind: 'frame' }),
      ]),
    ).toEqual([
      { origin: 'blob:', kind: 'script', page: '/book/:id', vendor: 'Refused: code the page wrote (blob: URL)' },
      { origin: 'javascript:', kind: 'frame', page: '/patients/:id/visits', vendor: 'Refused: code the page wrote (javascript: URL)' },
      { origin: 'about:', kind: 'frame', page: '/patients/:id/visits', vendor: 'Refused: a sandboxed srcdoc frame the guard cannot reach' },
    ]);
  });

  it('ignores $blocked events that are not what the guard sends, and never keeps a path or query', () => {
    expect(browserSightings([blocked({ origin: 'javascript:alert(1)', kind: 'script' }), blocked({ origin: 42 }), blocked({ kind: 'image' })])).toEqual([]);
    const [s] = browserSightings([blocked({ origin: 'https://px.example/p/jane@example.com?mrn=1', kind: 'weird', resource: '/jane@example.com?x' })]);
    expect(s).toEqual({ origin: 'https://px.example', kind: 'other', page: '/patients/:id/visits' });
  });
});
