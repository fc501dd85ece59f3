/** The ad platform stand-ins refuse what their vendor refuses, answer in its shape, and obey scripted faults. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSandbox } from '../sandbox.js';
import { identifierClasses } from './index.js';

let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
beforeAll(async () => {
  sandbox = await buildSandbox({ adTokens: ['good-token', 'good-refresh'] });
});
afterAll(() => sandbox.app.close());
beforeEach(() => {
  sandbox.recorder.clear();
  sandbox.faults.clear();
});

const nowS = () => Math.floor(Date.now() / 1000);
const hex = (c: string) => c.repeat(64);
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  sandbox.app.inject({
    method: 'POST',
    url,
    headers: { host: '127.0.0.1', 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
const fault = (f: Record<string, unknown>) => post('/api/faults', f);

const metaEvent = (over: Record<string, unknown> = {}) => ({
  event_name: 'Lead',
  event_time: nowS(),
  event_id: 'e1',
  action_source: 'website',
  event_source_url: 'https://clinic.example/book',
  user_data: { external_id: ['k1:a'], client_user_agent: 'Mozilla/5.0 (Windows) Chrome/120' },
  ...over,
});

describe('Meta stand-in', () => {
  const url = '/meta/v25.0/1234567890/events';
  it('accepts a valid batch and records it without the token', async () => {
    const r = await post(url, { access_token: 'good-token', data: [metaEvent(), metaEvent({ event_id: 'e2' })] });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ events_received: 2 });
    expect(JSON.stringify(sandbox.recorder.list('meta'))).not.toContain('good-token');
  });
  it('fails the whole request for one invalid or stale event, and for a bad token', async () => {
    expect((await post(url, { access_token: 'bad', data: [metaEvent()] })).json().error.code).toBe(190);
    const unhashed = await post(url, { access_token: 'good-token', data: [metaEvent(), metaEvent({ user_data: { em: ['jane@example.com'], client_user_agent: 'x' } })] });
    expect(unhashed.statusCode).toBe(400);
    expect(unhashed.json().error).toMatchObject({ code: 100 });
    const stale = await post(url, { access_token: 'good-token', data: [metaEvent({ event_time: nowS() - 8 * 86400 })] });
    expect(stale.json().error).toMatchObject({ code: 100, error_subcode: 2804003 });
    expect((await post(url, { access_token: 'good-token', data: [metaEvent({ event_source_url: undefined })] })).statusCode).toBe(400);
    expect(sandbox.recorder.list('meta')).toEqual([]);
  });
  it('throttles and rejects on request', async () => {
    await fault({ vendor: 'meta', reply: 'throttle' });
    expect((await post(url, { access_token: 'good-token', data: [metaEvent()] })).json().error.code).toBe(17);
    await fault({ vendor: 'meta', reply: 'reject', eventName: 'Lead', times: 5 });
    expect((await post(url, { access_token: 'good-token', data: [metaEvent({ event_name: 'Other' })] })).statusCode).toBe(200);
    expect((await post(url, { access_token: 'good-token', data: [metaEvent()] })).json().error.code).toBe(100);
  });
});

describe('Google Ads stand-in', () => {
  async function token(): Promise<string> {
    const r = await sandbox.app.inject({
      method: 'POST',
      url: '/google-ads/token',
      headers: { host: '127.0.0.1', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=refresh_token&client_id=c&client_secret=s&refresh_token=good-refresh',
    });
    return r.json().access_token;
  }
  const conversion = (over: Record<string, unknown> = {}) => ({
    gclid: 'Cj0KCQiA',
    conversionAction: 'customers/1234567890/conversionActions/987',
    conversionDateTime: '2026-11-24 09:59:00+00:00',
    orderId: 'o1',
    consent: { adUserData: 'GRANTED' },
    ...over,
  });
  const url = '/google-ads/v26/customers/1234567890:uploadClickConversions';
  it('needs an issued OAuth token and a developer token', async () => {
    expect((await post(url, { conversions: [conversion()], partialFailure: true }, { authorization: 'Bearer made-up', 'developer-token': 'd' })).statusCode).toBe(401);
    const refused = await sandbox.app.inject({
      method: 'POST',
      url: '/google-ads/token',
      headers: { host: '127.0.0.1' },
      payload: 'grant_type=refresh_token&client_id=c&client_secret=s&refresh_token=stolen',
    });
    expect(refused.statusCode).toBe(400);
  });
  it('names refused rows in a 200 and keeps the others', async () => {
    const headers = { authorization: `Bearer ${await token()}`, 'developer-token': 'd' };
    const r = await post(
      url,
      {
        partialFailure: true,
        conversions: [
          conversion(),
          conversion({ gclid: undefined }),
          conversion({ gbraid: 'x' }),
          conversion({ userIdentifiers: [{ hashedEmail: 'jane@example.com' }] }),
          conversion({ consent: { adPersonalization: 'GRANTED' } }),
        ],
      },
      headers,
    );
    expect(r.statusCode).toBe(200);
    const indexes = r
      .json()
      .partialFailureError.details[0].errors.map((e: { location: { fieldPathElements: Array<{ index: number }> } }) => e.location.fieldPathElements[0]!.index);
    expect(indexes).toEqual([1, 2, 3, 4]);
    expect((sandbox.recorder.list('google-ads')[0]!.body as { conversions: unknown[] }).conversions).toHaveLength(1);
    expect((await post(url, { conversions: [conversion()] }, headers)).statusCode).toBe(400);
  });
});

describe('TikTok stand-in', () => {
  const body = (event: Record<string, unknown>) => ({
    event_source: 'web',
    event_source_id: 'C4ABCDEFGH12',
    data: [{ event: 'Pageview', event_time: nowS(), event_id: 'e', user: { external_id: hex('a') }, ...event }],
  });
  const url = '/tiktok/open_api/v1.3/event/track/';
  it('answers 200 with a code, as TikTok does', async () => {
    expect((await post(url, body({}), { 'access-token': 'good-token' })).json().code).toBe(0);
    expect((await post(url, body({}), { 'access-token': 'nope' })).json().code).toBe(40105);
    expect((await post(url, body({ user: { external_id: 'k1:plain' } }), { 'access-token': 'good-token' })).json().code).toBe(40002);
    await fault({ vendor: 'tiktok', reply: 'throttle' });
    const throttled = await post(url, body({}), { 'access-token': 'good-token' });
    expect([throttled.statusCode, throttled.json().code]).toEqual([200, 40100]);
  });
});

describe('LinkedIn stand-in', () => {
  const headers = { authorization: 'Bearer good-token', 'linkedin-version': '202607', 'x-restli-protocol-version': '2.0.0', 'x-restli-method': 'BATCH_CREATE' };
  const element = (over: Record<string, unknown> = {}) => ({
    conversion: 'urn:lla:llaPartnerConversion:123',
    conversionHappenedAt: Date.now() - 1000,
    eventId: 'e1',
    user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: hex('e') }] },
    ...over,
  });
  it('needs the versioned headers and answers one status per element', async () => {
    expect((await post('/linkedin/rest/conversionEvents', { elements: [element()] }, { ...headers, 'linkedin-version': '' })).statusCode).toBe(400);
    const r = await post(
      '/linkedin/rest/conversionEvents',
      { elements: [element(), element({ user: { userIds: [] } }), element({ conversionHappenedAt: Date.now() - 91 * 86400_000 })] },
      headers,
    );
    expect(r.json().elements.map((e: { status: number }) => e.status)).toEqual([201, 400, 400]);
  });
});

describe('Microsoft Advertising stand-in', () => {
  const event = (over: Record<string, unknown> = {}) => ({
    eventType: 'custom',
    eventName: 'purchase',
    eventId: 'e',
    eventTime: nowS(),
    adStorageConsent: 'D',
    userData: { externalId: 'k1:a' },
    ...over,
  });
  it('counts valid events and names the invalid ones with continueOnValidationError', async () => {
    const headers = { authorization: 'Bearer good-token' };
    const r = await post('/microsoft/v1/187000123/events', { continueOnValidationError: true, data: [event(), event({ adStorageConsent: 'yes' })] }, headers);
    expect(r.json()).toMatchObject({ eventsReceived: 1, error: { details: [{ index: 1 }] } });
    expect((await post('/microsoft/v1/187000123/events', { data: [event(), event({ eventTime: nowS() - 8 * 86400 })] }, headers)).statusCode).toBe(400);
    expect((await post('/microsoft/v1/187000123/events', { data: [event()] }, { authorization: 'Bearer x' })).statusCode).toBe(401);
  });
});

describe('the sandbox page for ad platforms', () => {
  it('says per event whether a click id or contact hash left, and marks masked ids', async () => {
    const url = '/meta/v25.0/1234567890/events';
    await post(url, { access_token: 'good-token', data: [metaEvent({ user_data: { external_id: ['k1:AbCdEfGhIjKlMnOpQrSt'], client_user_agent: 'x' } })] });
    await post(url, {
      access_token: 'good-token',
      data: [metaEvent({ event_name: 'Schedule<script>', user_data: { external_id: ['k1:AbCdEfGhIjKlMnOpQrSt'], client_user_agent: 'x', fbc: 'fb.1.1795000000000.IwAR0123' } })],
    });
    const html = (await sandbox.app.inject({ method: 'GET', url: '/?vendor=meta', headers: { host: '127.0.0.1' } })).body;
    expect(html).toContain('Masked ids only (class A): no click id, no contact hash.');
    expect(html).toContain('Sent under a patient authorization: class B click ids: fbc.');
    expect(html).toContain('1 masked');
    expect(html).not.toContain('<script>');
  });
});

describe('identifier classes on the page', () => {
  it('finds click ids and contact hashes by field, LinkedIn’s by idType', () => {
    expect(identifierClasses({ user_data: { external_id: ['k1:a'], fbc: 'fb.1.1.x', em: ['h'] } })).toEqual({ b: ['fbc'], c: ['em'] });
    expect(identifierClasses({ user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: 'h' }] } })).toEqual({ b: [], c: ['SHA256_EMAIL'] });
    expect(identifierClasses({ userData: { externalId: 'k1:a' } })).toEqual({ b: [], c: [] });
  });
});
