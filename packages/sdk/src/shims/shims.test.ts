// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPalisade } from '../palisade.js';
import { memoryStore } from '../queue-store.js';
import { relayStandIn, resetBrowserState } from '../sdk.fixture.js';

const w = window as unknown as Record<string, any>;

beforeEach(() => {
  resetBrowserState();
  for (const k of ['dataLayer', 'fbq', '_fbq', 'ttq', 'lintrk', 'uetq', 'gtag']) delete w[k];
});
afterEach(() => vi.unstubAllGlobals());

async function run(page: () => void, before?: () => void) {
  const relay = relayStandIn();
  before?.();
  const p = createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false }, memoryStore());
  page();
  await p.flush();
  return { p, events: relay.messages() as unknown as Array<{ event: string; properties: Record<string, unknown>; context: Record<string, unknown> }> };
}

describe('tag shims', () => {
  it('turns gtag and dataLayer calls into first-party events, including those made before the SDK', async () => {
    const { events } = await run(
      () => {
        // The GA4 snippet, as sites paste it.
        w.dataLayer = w.dataLayer || [];
        w.gtag = function gtag() {
          w.dataLayer.push(arguments);
        };
        w.gtag('js', new Date());
        w.gtag('config', 'G-8Q1ZT4RM2C');
        w.gtag('event', 'generate_lead', { service: 'appointment' });
        w.dataLayer.push({ event: 'appointment_booked', service_line: 'behavioral-health' });
        w.dataLayer.push({ 'gtm.start': 1, event: 'gtm.js' });
      },
      () => {
        w.dataLayer = [{ event: 'early_event', step: 1 }];
      },
    );
    expect(events.map((e) => [e.event, e.properties, e.context.shim, e.context.measurementId])).toEqual([
      ['early_event', { step: 1 }, 'dataLayer', undefined],
      ['generate_lead', { service: 'appointment' }, 'gtag', 'G-8Q1ZT4RM2C'],
      ['appointment_booked', { service_line: 'behavioral-health' }, 'dataLayer', undefined],
    ]);
  });

  it('lets gtag consent updates drive Palisade consent', async () => {
    const { p } = await run(() => {
      // gtag('consent', ...) pushes its `arguments` object.
      const args = (function (..._args: unknown[]) {
        return arguments;
      })('consent', 'update', { analytics_storage: 'granted', ad_storage: 'denied' });
      w.dataLayer.push(args);
    });
    expect(p.consent.get()).toMatchObject({ analytics: true, advertising: false });
  });

  it('stands in for fbq so that the Meta snippet never loads fbevents.js', async () => {
    const { events } = await run(() => {
      // The Meta snippet: it returns at once when fbq exists.
      ((f: any, b: Document, e: string, v: string) => {
        if (f.fbq) return;
        const t = b.createElement(e) as HTMLScriptElement;
        t.src = v;
        b.head.appendChild(t);
      })(window, document, 'script', 'https://connect.facebook.net/en_US/fbevents.js');
      w.fbq('init', '914305718822301');
      w.fbq('track', 'Lead', { value: 1 });
      w.fbq('trackCustom', 'BookedVisit');
    });
    expect(document.querySelector('script[src*="facebook"]')).toBeNull();
    expect(events.map((e) => [e.event, e.context.shim, e.context.pixelId])).toEqual([
      ['Lead', 'fbq', '914305718822301'],
      ['BookedVisit', 'fbq', '914305718822301'],
    ]);
  });

  it('handles ttq, lintrk and uetq calls', async () => {
    const { events } = await run(() => {
      const ttq = w.ttq;
      // TikTok's snippet replaces methods with pushes onto the queue.
      for (const m of ['page', 'track', 'identify'])
        ttq[m] = function () {
          ttq.push([m, ...arguments]);
        };
      ttq.page();
      ttq.track('SubmitForm', { form: 'appointment' });
      ttq.identify({ email: 'jane@example.com' });
      w.lintrk('track', { conversion_id: 1234 });
      w.uetq.push('event', 'book_appointment', { event_category: 'lead' });
    });
    expect(events.map((e) => [e.event, e.properties, e.context.shim])).toEqual([
      ['SubmitForm', { form: 'appointment' }, 'ttq'],
      ['LinkedIn Conversion', {}, 'lintrk'],
      ['book_appointment', { event_category: 'lead' }, 'uetq'],
    ]);
    expect(JSON.stringify(events)).not.toContain('jane@example.com');
  });

  it('can be turned off', async () => {
    relayStandIn();
    createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false, shims: false }, memoryStore());
    expect(w.fbq).toBeUndefined();
  });
});
