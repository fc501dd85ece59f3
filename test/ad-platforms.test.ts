/**
 * The five ad platforms end to end: `POST /v1/batch` to the real relay process (real SQLite,
 * real delivery workers) and on to each vendor's stand-in in the sandbox.
 *  - HIPAA mode: masked ids only (class A); no canary leaves, in clear or hashed without a key.
 *  - An event with a patient authorization, to destinations that opted in: each vendor gets
 *    exactly the documented hash of the normalized canary email and phone, and its own click id.
 *  - Without the authorization, or under GPC: no class B or C; advertising denied: nothing.
 *  - Partial failures redeliver only the failed events; throttling slows only that vendor.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Received, Sandbox } from '@palisade/vendor-sandbox';
import { cliEnv, post, removeDir, runCli, startE2eSandbox, startRelayProcess, tempDir, waitFor, writeConfig, type RelayProcess } from './helpers/processes.js';

const EMAIL = 'Jane.Canary@Gmail.com';
const PHONE = '(555) 010-4477';
const CLICK_IDS = {
  gclid: 'Cj0KCQiAcanaryGclid0000',
  fbc: 'fb.1.1795000000000.IwARcanaryFbclid0000',
  ttclid: 'E.C.P.canaryTtclid00000',
  li_fat_id: '5ca1ab1e-0000-4a11-8b0b-ca0a1ecad0e5',
  msclkid: 'ca0a1ec1c1d0000000000000000000ff',
};
const CANARIES = [EMAIL, PHONE, 'Janet Canaryworth', '078-05-1120', 'chest pain', ...Object.values(CLICK_IDS)];
const sha = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('hex');
const AD_VENDORS = ['meta', 'google-ads', 'tiktok', 'linkedin', 'microsoft-ads'];

function adConfig(sandboxUrl: string) {
  const fast = { retryBaseMs: 50, retryMaxMs: 300, timeoutMs: 2000, probeIntervalMs: 200 };
  const allow = { production: { events: ['Appointment Booked', 'Guide Downloaded'], eventProperties: { 'appointment.type': 'allow', value: 'allow', currency: 'allow' } } };
  const base = { consent: 'advertising', identifiers: { clickIds: 'with-authorization', contactHashes: 'with-authorization' }, allow, delivery: fast };
  const conversions = { events: { 'Appointment Booked': '987', 'Guide Downloaded': '988' } };
  return {
    environments: { production: { writeKey: 'pk_e2e_0123456789', allowedOrigins: ['https://clinic.example'] } },
    masking: { key: 'env:PALISADE_MASKING_KEY' },
    destinations: [
      { id: 'meta', type: 'meta', ...base, settings: { pixelId: '1234567890', accessToken: 'env:META_ACCESS_TOKEN', endpoint: `${sandboxUrl}/meta` } },
      {
        id: 'google-ads',
        type: 'google-ads',
        ...base,
        mapping: conversions,
        settings: {
          customerId: '123-456-7890',
          developerToken: 'env:GOOGLE_ADS_DEVELOPER_TOKEN',
          clientId: 'e2e.apps.googleusercontent.com',
          clientSecret: 'env:GOOGLE_ADS_CLIENT_SECRET',
          refreshToken: 'env:GOOGLE_ADS_REFRESH_TOKEN',
          endpoint: `${sandboxUrl}/google-ads`,
          tokenUrl: `${sandboxUrl}/google-ads/token`,
        },
      },
      { id: 'tiktok', type: 'tiktok', ...base, settings: { pixelCode: 'C4E2E1234567', accessToken: 'env:TIKTOK_ACCESS_TOKEN', endpoint: `${sandboxUrl}/tiktok` } },
      { id: 'linkedin', type: 'linkedin', ...base, mapping: conversions, settings: { accessToken: 'env:LINKEDIN_ACCESS_TOKEN', endpoint: `${sandboxUrl}/linkedin` } },
      { id: 'microsoft-ads', type: 'microsoft-ads', ...base, settings: { tagId: '187000123', accessToken: 'env:UET_ACCESS_TOKEN', endpoint: `${sandboxUrl}/microsoft` } },
    ],
  };
}

let sandbox: Sandbox;
let relay: RelayProcess;
let dir: string;
beforeAll(async () => {
  sandbox = await startE2eSandbox();
  dir = tempDir();
  relay = await startRelayProcess(writeConfig(dir, adConfig(sandbox.url)), `${dir}/data`);
}, 30_000);
afterAll(async () => {
  await relay?.stop();
  await sandbox?.stop();
  removeDir(dir);
});
beforeEach(() => {
  sandbox.recorder.clear();
  sandbox.faults.clear();
});

interface Visit {
  authorization?: boolean;
  advertising?: boolean;
  gpc?: boolean;
  event?: string;
}

/** A booking with canaries everywhere a careless site puts them. */
function booking({ authorization = false, advertising = true, gpc = false, event = 'Appointment Booked' }: Visit = {}) {
  return {
    type: 'track',
    event,
    messageId: randomUUID(),
    anonymousId: `anon-${randomUUID()}`,
    userId: EMAIL,
    timestamp: new Date().toISOString(),
    properties: {
      appointment: { type: 'new-patient' },
      value: 120,
      currency: 'usd',
      email: EMAIL,
      phone: PHONE,
      name: 'Janet Canaryworth',
      reason: 'chest pain',
      ssn: '078-05-1120',
    },
    context: {
      page: { url: `https://clinic.example/book?email=${encodeURIComponent(EMAIL)}&gclid=${CLICK_IDS.gclid}`, referrer: 'https://www.google.com/' },
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ip: '198.51.100.77',
      clickIds: CLICK_IDS,
      consent: { categoryPreferences: { analytics: true, advertising, authorization }, gpc },
    },
  };
}

async function send(...messages: unknown[]): Promise<void> {
  const r = await post(`${relay.url}/v1/batch`, { batch: messages });
  expect(r.status, r.text).toBe(200);
}

/** The delivery log of the relay's own data directory, read by `palisade dlq log`. */
async function deliveryLog(): Promise<Array<{ destinationId: string; eventId: string; outcome: string; detail: string }>> {
  const r = await runCli(['dlq', 'log', '--json', '--limit', '1000', '--data-dir', `${dir}/data`], cliEnv());
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const received = (vendor: string): Received[] => sandbox.recorder.list(vendor);
const everything = () => JSON.stringify(sandbox.recorder.list()).toLowerCase();

/** Every form a canary could leave in: clear, URL-encoded, normalized, and hashed without a key. */
function leakedForms(canary: string): string[] {
  const digits = canary.replace(/\D/g, '');
  const forms = new Set([
    canary,
    canary.toLowerCase(),
    canary
      .trim()
      .toLowerCase()
      .replace(/\.(?=[^@]*@gmail)/g, ''),
  ]);
  if (digits.length >= 7) for (const d of [digits, `1${digits}`, `+1${digits}`]) forms.add(d);
  const out: string[] = [];
  for (const f of forms) out.push(f.toLowerCase(), encodeURIComponent(f).toLowerCase(), sha('sha256', f), sha('sha1', f), sha('md5', f));
  return out;
}

/**
 * Sends one event without GPC and waits for it at Meta: events the relay took earlier would
 * have been queued before it, so once it has arrived, anything that was going to arrive has.
 */
async function marker(): Promise<void> {
  await send(booking({ event: 'Guide Downloaded' }));
  await waitFor(async () => adEvents('meta').some((e) => e.event_name === 'Guide Downloaded'), 'the marker event at Meta');
}

async function waitForVendors(vendors: string[], events = 1): Promise<void> {
  await waitFor(async () => vendors.every((v) => adEvents(v).length >= events), `${vendors.join(', ')} to receive ${events} event(s)`);
}

/** The events each stand-in kept, in the vendor's own shape. */
function adEvents(vendor: string): Array<Record<string, any>> {
  return received(vendor).flatMap((r) => {
    const body = r.body as Record<string, any>;
    return body.data ?? body.conversions ?? body.elements ?? [];
  });
}

describe('ad platforms in HIPAA mode', () => {
  it('get masked ids only: no canary, no click id, no contact hash, in any form', async () => {
    await send(booking());
    await waitForVendors(['meta', 'tiktok', 'microsoft-ads']);
    const text = everything();
    for (const canary of CANARIES) for (const form of leakedForms(canary)) expect(text, `${canary} as ${form}`).not.toContain(form);
    expect(text).not.toContain('198.51.100.77');
    const [meta] = adEvents('meta');
    expect(meta!.user_data).toEqual({ external_id: [expect.stringMatching(/^k1:/)], client_user_agent: 'Mozilla/5.0 (Windows) Chrome/131' });
    expect(meta).toMatchObject({ event_name: 'Appointment Booked', action_source: 'website', event_source_url: 'https://clinic.example/book', data_processing_options: ['LDU'] });
    expect(meta!.custom_data).toEqual({ appointment_type: 'new-patient', value: 120, currency: 'USD' });
    expect(adEvents('tiktok')[0]).toMatchObject({ limited_data_use: true, user: { external_id: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(adEvents('microsoft-ads')[0]).toMatchObject({ eventType: 'custom', adStorageConsent: 'D', userData: { externalId: expect.stringMatching(/^k1:/) } });
    // Google Ads and LinkedIn match only on click ids or contact hashes: nothing goes, and the log says why.
    await waitFor(async () => (await deliveryLog()).filter((e) => e.outcome === 'dropped').length >= 2, 'the drops in the delivery log');
    expect(received('google-ads')).toEqual([]);
    expect(received('linkedin')).toEqual([]);
    const log = await deliveryLog();
    expect(log.find((e) => e.destinationId === 'google-ads')).toMatchObject({ outcome: 'dropped', detail: expect.stringContaining('no click id or authorized user identifiers') });
    expect(log.find((e) => e.destinationId === 'linkedin')).toMatchObject({ outcome: 'dropped', detail: expect.stringContaining('no permitted identifier') });
    expect(log.find((e) => e.destinationId === 'meta')).toMatchObject({ outcome: 'delivered', detail: 'LDU (geolocated by Meta), opt_out=true because no patient authorization' });
    expect(log.find((e) => e.destinationId === 'tiktok')).toMatchObject({ outcome: 'delivered', detail: 'limited_data_use=true because no patient authorization' });
  });
});

describe('an event with a patient authorization', () => {
  it('gives each opted-in vendor exactly its documented hashes and its own click id, nothing else', async () => {
    await send(booking({ authorization: true }));
    await waitForVendors(AD_VENDORS);
    const lower = 'jane.canary@gmail.com';
    const [meta] = adEvents('meta');
    expect(meta!.user_data).toEqual({
      external_id: [expect.stringMatching(/^k1:/)],
      client_user_agent: 'Mozilla/5.0 (Windows) Chrome/131',
      fbc: CLICK_IDS.fbc,
      em: [sha('sha256', lower)],
      ph: [sha('sha256', '15550104477')],
    });
    expect(meta!.data_processing_options).toEqual([]);
    const [google] = adEvents('google-ads');
    expect(google).toEqual({
      gclid: CLICK_IDS.gclid,
      conversionAction: 'customers/1234567890/conversionActions/987',
      conversionDateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00$/),
      orderId: expect.any(String),
      conversionValue: 120,
      currencyCode: 'USD',
      // Google removes the dots of a gmail.com address before hashing; phones are E.164.
      userIdentifiers: [{ hashedEmail: sha('sha256', 'janecanary@gmail.com') }, { hashedPhoneNumber: sha('sha256', '+15550104477') }],
      consent: { adUserData: 'GRANTED' },
    });
    expect(adEvents('tiktok')[0]!.user).toEqual({
      external_id: expect.stringMatching(/^[0-9a-f]{64}$/),
      user_agent: 'Mozilla/5.0 (Windows) Chrome/131',
      ttclid: CLICK_IDS.ttclid,
      email: sha('sha256', lower),
      phone: sha('sha256', '+15550104477'),
    });
    expect(adEvents('linkedin')[0]!.user.userIds).toEqual([
      { idType: 'SHA256_EMAIL', idValue: sha('sha256', lower) },
      { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: CLICK_IDS.li_fat_id },
    ]);
    expect(adEvents('microsoft-ads')[0]!.userData).toMatchObject({ msclkid: CLICK_IDS.msclkid, em: sha('sha256', 'janecanary@gmail.com'), ph: sha('sha256', '+15550104477') });
    // Nothing else: no canary in clear, no other vendor's click id, no unkeyed hash but the documented ones.
    const text = everything();
    for (const canary of [EMAIL, PHONE, 'Janet Canaryworth', 'chest pain', '078-05-1120']) expect(text).not.toContain(canary.toLowerCase());
    for (const [name, value] of Object.entries(CLICK_IDS)) {
      const owner = { gclid: 'google-ads', fbc: 'meta', ttclid: 'tiktok', li_fat_id: 'linkedin', msclkid: 'microsoft-ads' }[name]!;
      for (const vendor of AD_VENDORS) expect(JSON.stringify(received(vendor)).includes(value), `${name} at ${vendor}`).toBe(vendor === owner);
    }
  });

  it.each([
    ['without the authorization', { authorization: false, gpc: false }],
    ['with GPC', { authorization: true, gpc: true }],
  ])('sends no class B or C %s', async (_name, visit) => {
    await send(booking(visit));
    if (visit.gpc) {
      // GPC denies advertising: the ad destinations get nothing at all.
      await marker();
      expect(adEvents('meta')).toHaveLength(1);
      for (const vendor of AD_VENDORS) expect(JSON.stringify(received(vendor))).not.toContain('Appointment Booked');
    } else await waitForVendors(['meta', 'tiktok', 'microsoft-ads']);
    const text = everything();
    for (const value of Object.values(CLICK_IDS)) expect(text).not.toContain(value.toLowerCase());
    for (const form of [...leakedForms(EMAIL), ...leakedForms(PHONE)]) expect(text).not.toContain(form);
  });

  it("treats a browser's Sec-GPC header as GPC for every message of the request", async () => {
    const r = await fetch(`${relay.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-gpc': '1', authorization: `Basic ${Buffer.from('pk_e2e_0123456789:').toString('base64')}` },
      body: JSON.stringify({ batch: [booking({ authorization: true }), booking({ event: 'Guide Downloaded' })] }),
    });
    expect(r.status).toBe(200);
    await marker();
    // Only the marker: neither event of the GPC request reached any vendor.
    expect(adEvents('meta')).toHaveLength(1);
    for (const vendor of AD_VENDORS) expect(JSON.stringify(received(vendor))).not.toContain('Appointment Booked');
  });

  it('sends nothing when advertising consent is denied', async () => {
    await send(booking({ authorization: true, advertising: false }));
    await marker();
    for (const vendor of AD_VENDORS) expect(JSON.stringify(received(vendor))).not.toContain('Appointment Booked');
    expect(adEvents('meta').map((e) => e.event_name)).toEqual(['Guide Downloaded']);
  });
});

describe('vendor failures', () => {
  it('redeliver only the events a vendor refused for a retryable reason, and dead-letter only the refused ones', async () => {
    // Google Ads refuses conversion action 988 once, retryably; LinkedIn refuses it for good; Meta
    // fails whole requests that hold a Guide Downloaded event, which the relay isolates by splitting.
    await fetch(`${sandbox.url}/api/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'google-ads', reply: 'reject', eventName: '988', retryable: true, times: 1 }) });
    await fetch(`${sandbox.url}/api/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'linkedin', reply: 'reject', eventName: '988', times: 100 }) });
    await fetch(`${sandbox.url}/api/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'meta', reply: 'reject', eventName: 'Guide Downloaded', times: 100 }) });
    const messages = [
      booking({ authorization: true }),
      booking({ authorization: true, event: 'Guide Downloaded' }),
      booking({ authorization: true }),
      booking({ authorization: true }),
    ];
    await send(...messages);
    await waitFor(async () => adEvents('google-ads').length === 4 && adEvents('linkedin').length === 3 && adEvents('meta').length === 3, 'the vendors to settle', 20_000);
    // Each accepted conversion arrived once: the three Google accepted first were not sent again.
    const orderIds = adEvents('google-ads').map((c) => c.orderId);
    expect(new Set(orderIds).size).toBe(4);
    expect(received('google-ads').length).toBe(2);
    expect(received('google-ads')[1]!.body).toMatchObject({ conversions: [{ conversionAction: 'customers/1234567890/conversionActions/988' }] });
    expect(new Set(adEvents('meta').map((e) => e.event_id)).size).toBe(3);
    const log = await deliveryLog();
    const dead = log.filter((e) => e.outcome === 'dead_lettered');
    expect(dead.map((e) => e.destinationId).sort()).toEqual(['linkedin', 'meta']);
    expect(dead.find((e) => e.destinationId === 'meta')!.detail).toMatch(/^Meta error 100/);
    expect(dead.find((e) => e.destinationId === 'linkedin')!.detail).toMatch(/not linked to a campaign/);
  });

  it('throttling slows only the throttled vendor', async () => {
    await fetch(`${sandbox.url}/api/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'tiktok', reply: 'throttle', times: 3 }) });
    const started = Date.now();
    await send(booking());
    await waitForVendors(['meta', 'microsoft-ads']);
    const others = Date.now() - started;
    expect(adEvents('tiktok')).toEqual([]);
    await waitForVendors(['tiktok']);
    const throttled = Date.now() - started;
    expect(throttled).toBeGreaterThan(others);
    expect(adEvents('tiktok')).toHaveLength(1);
  });
});
