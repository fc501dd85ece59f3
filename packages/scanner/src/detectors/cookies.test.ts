import { describe, expect, it } from 'vitest';
import { canarySearch, makeCanaries } from '../canaries.js';
import { pageRecord } from '../page-record.fixture.js';
import { cookieFindings } from './cookies.js';

const ctx = {
  siteOrigins: new Set(['https://www.clinic.example']),
  relayOrigins: new Set(['https://t.clinic.example']),
  allowOrigins: new Map(),
  findCanaries: canarySearch(makeCanaries()),
};

describe('third-party cookies', () => {
  it("report a cookie of another site's domain and a frame's storage of another origin, not the site's own (any subdomain) or the relay's", () => {
    const page = pageRecord({
      cookies: [
        { name: 'session', domain: 'www.clinic.example', path: '/', secure: true, sameSite: 'Lax' },
        { name: 'pref', domain: '.clinic.example', path: '/', secure: true, sameSite: 'Lax' },
        { name: '_fbp', domain: '.facebook.com', path: '/', secure: true, sameSite: 'None' },
      ],
      frameStorage: [
        { origin: 'https://www.youtube.com', keys: ['yt-remote-device-id'] },
        { origin: 'https://forms.clinic.example', keys: ['draft'] },
      ],
    });
    const found = cookieFindings(page, ctx);
    expect(found.map((f) => [f.title, f.vendor])).toEqual([
      ['Cookie _fbp set for facebook.com (Facebook)', 'Facebook'],
      ['Storage written by YouTube (www.youtube.com) in a frame', 'YouTube'],
    ]);
  });
});
