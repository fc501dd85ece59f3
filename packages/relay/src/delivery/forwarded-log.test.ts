import { describe, expect, it } from 'vitest';
import { ForwardedLog, redactBody } from './forwarded-log.js';
import type { Send } from './http-send.js';

const ok: Send = async () => ({ status: 200, headers: {}, body: '' });

describe('the forwarded log', () => {
  it('replaces credentials in JSON and form bodies before keeping them, and keeps what the vendor got', () => {
    expect(JSON.parse(redactBody('{"data":[{"event_name":"Lead"}],"access_token":"EAAB-secret"}'))).toEqual({ data: [{ event_name: 'Lead' }], access_token: '[redacted]' });
    expect(JSON.parse(redactBody('{"nested":{"apiKey":"k","api_secret":"s","value":1}}'))).toEqual({ nested: { apiKey: '[redacted]', api_secret: '[redacted]', value: 1 } });
    expect(redactBody('event=Lead&token=abc&value=3')).toBe('event=Lead&token=%5Bredacted%5D&value=3');
    expect(redactBody('plain text body')).toBe('plain text body');
  });

  it('keeps bodies per destination since a time, never the URL or headers, and only the newest 2,000', async () => {
    const log = new ForwardedLog();
    const meta = log.wrap('meta-capi', ok);
    const ga4 = log.wrap('ga4', ok);
    const start = Date.now();
    await meta({ method: 'POST', url: 'https://graph.example/v1?access_token=secret', headers: { authorization: 'Bearer x' }, body: '{"a":1}' }, 1000);
    await ga4({ method: 'POST', url: 'https://ga.example/mp/collect?api_secret=s', headers: {}, body: '{"b":2}' }, 1000);
    const got = log.since(start);
    expect(got.map((d) => d.destination)).toEqual(['meta-capi', 'ga4']);
    expect(JSON.stringify(got)).not.toMatch(/secret|Bearer/);
    expect(log.since(Date.now() + 1000)).toEqual([]);
    for (let i = 0; i < 2100; i++) await ga4({ method: 'POST', url: 'https://ga.example/', headers: {}, body: `{"i":${i}}` }, 1000);
    const all = log.since(0).flatMap((d) => d.messages);
    expect(all).toHaveLength(2000);
    expect(all.at(-1)?.body).toBe('{"i":2099}');
  });
});
