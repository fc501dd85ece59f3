// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messageSchema } from '@palisade/schema';
import { clickIds } from './click-ids.js';
import { createPalisade } from './palisade.js';
import { memoryStore } from './queue-store.js';
import { relayStandIn, resetBrowserState } from './sdk.fixture.js';

beforeEach(() => resetBrowserState());
afterEach(() => vi.unstubAllGlobals());

const DAY = 24 * 3600 * 1000;
const land = (search: string) => history.replaceState(null, '', `/landing${search}`);

describe('click ids', () => {
  it('are read on landing, kept first-party, and sent on every later message', async () => {
    land('?gclid=Cj0KCQiAabc&fbclid=IwAR123&utm_source=ads');
    const t0 = 1_795_000_000_000;
    expect(clickIds(t0)).toEqual({ gclid: 'Cj0KCQiAabc', fbc: `fb.1.${t0}.IwAR123` });
    expect(decodeURIComponent(document.cookie)).toContain('palisade_clk={"gclid":["Cj0KCQiAabc"');
    // Later pages have no click id in their URL; the newest per vendor wins, and a reload of the
    // same landing URL keeps Meta's first click time.
    land('?msclkid=abcdef0123456789&gclid=Cj0KCQiAnew');
    expect(clickIds(t0 + DAY)).toEqual({ gclid: 'Cj0KCQiAnew', fbc: `fb.1.${t0}.IwAR123`, msclkid: 'abcdef0123456789' });
    land('?fbclid=IwAR123');
    expect(clickIds(t0 + 2 * DAY)?.fbc).toBe(`fb.1.${t0}.IwAR123`);
    // localStorage restores them when the cookie is gone.
    document.cookie = 'palisade_clk=; Max-Age=0; Path=/';
    land('');
    expect(clickIds(t0 + 3 * DAY)?.gclid).toBe('Cj0KCQiAnew');
    // After 90 days they are gone.
    expect(clickIds(t0 + 95 * DAY)).toBeUndefined();
    expect(localStorage.getItem('palisade_clk')).toBe('{}');
  });

  it('survive damaged or hostile storage and ignore oversized values', () => {
    document.cookie = 'palisade_clk=%7Bnot-json; Path=/';
    land(`?gclid=${'x'.repeat(600)}`);
    expect(clickIds()).toBeUndefined();
    for (const hostile of ['null', '"x"', '{"gclid":[]}', '{"gclid":[1,2]}', '{"__proto__":{"x":1},"fbc":["fb.1.1.x","now"]}', '[1,2]']) {
      document.cookie = `palisade_clk=${encodeURIComponent(hostile)}; Path=/`;
      land('?msclkid=abcdef0123456789abcdef0123456789');
      expect(clickIds(), hostile).toEqual({ msclkid: 'abcdef0123456789abcdef0123456789' });
    }
  });

  it('travel in context.clickIds, beside consent with GPC and an authorization that is never defaulted', async () => {
    land('?gclid=Cj0KCQiAabc');
    const relay = relayStandIn();
    const p = createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false, flushInterval: 5, consentDefault: ['analytics', 'advertising', 'authorization'] }, memoryStore());
    p.track('Appointment Booked');
    p.consent.set({ authorization: true });
    p.track('Appointment Booked');
    await p.flush();
    const [before, after] = relay.messages();
    expect(messageSchema.safeParse(before).success).toBe(true);
    expect(before!.context.clickIds).toEqual({ gclid: 'Cj0KCQiAabc' });
    expect(before!.context.consent.categoryPreferences.authorization).toBe(false);
    expect(after!.context.consent.categoryPreferences.authorization).toBe(true);
  });

  it('GPC denies advertising and authorization, and says so', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const relay = relayStandIn();
      const p = createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false, flushInterval: 5 }, memoryStore());
      p.consent.set({ advertising: true, authorization: true });
      p.track('x');
      await p.flush();
      expect(relay.messages()[0]!.context.consent).toEqual({ categoryPreferences: { analytics: false, advertising: false, functional: false, authorization: false }, gpc: true });
    } finally {
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: undefined, configurable: true });
    }
  });
});
