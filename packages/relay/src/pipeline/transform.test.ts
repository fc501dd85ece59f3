import { describe, expect, it } from 'vitest';
import { messageSchema } from '@palisade/schema';
import { context, destination } from './pipeline.fixture.js';
import { correctedTimestamp, transform } from './transform.js';

const msg = (m: Record<string, unknown>) => messageSchema.parse({ messageId: 'm-1', ...m });
const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('transform', () => {
  it('turns a raw track event into exactly what the allowlist names', () => {
    const r = transform(
      msg({
        type: 'track',
        event: 'Appointment Booked',
        userId: 'patient-123',
        anonymousId: 'anon-9',
        properties: { service_line: 'behavioral-health', email: 'jane@example.com', reason: 'panic attacks', appointment: { type: 'new', notes: 'x' } },
        context: {
          ip: '203.0.113.9',
          userAgent: chrome,
          page: {
            url: 'https://clinic.example/book/48213?email=jane%40example.com&utm_source=google#x',
            referrer: 'https://www.google.com/search?q=panic',
            title: 'Book: Panic disorder',
          },
          campaign: { source: 'google', term: 'panic attack help' },
          locale: 'en-US',
        },
      }),
      destination(),
      context(),
    );
    expect('event' in r).toBe(true);
    if (!('event' in r)) return;
    const e = r.event;
    const mask = context().mask;
    expect(e.properties).toEqual({ service_line: 'behavioral-health', email: mask('jane@example.com'), appointment: { type: 'new' } });
    expect(e.userId).toBe(mask('patient-123'));
    expect(e.anonymousId).toBe(mask('anon-9'));
    expect(e.context).toEqual({
      page: { url: 'https://clinic.example/book/:id?utm_source=google', path: '/book/:id', referrer: 'https://www.google.com' },
      userAgent: { browser: 'Chrome', browserMajor: '120', os: 'Windows', label: 'Chrome 120 (Windows)' },
      locale: 'en-US',
      campaign: { source: 'google' },
    });
    expect(JSON.stringify(e)).not.toMatch(/203\.0\.113|panic|Panic|jane|patient-123|anon-9/);
  });

  it('routes events from tag shims only where the allowlist names them with their shim', () => {
    const d = destination({ allow: { production: { events: ['Lead', 'gtag:generate_lead'] } } });
    const fromShim = (shim: string, event: string) => msg({ type: 'track', event, anonymousId: 'a', context: { shim } });
    // The site's own Lead goes; one the page's Meta snippet pushed under the same name does not.
    expect(transform(msg({ type: 'track', event: 'Lead', anonymousId: 'a' }), d, context())).toHaveProperty('event.event', 'Lead');
    expect(transform(fromShim('fbq', 'Lead'), d, context())).toEqual({ dropped: 'event not allowed' });
    // gtag's generate_lead is named with its shim, and reaches the vendor under its own name.
    expect(transform(fromShim('gtag', 'generate_lead'), d, context())).toHaveProperty('event.event', 'generate_lead');
    expect(transform(fromShim('dataLayer', 'generate_lead'), d, context())).toEqual({ dropped: 'event not allowed' });
    expect(transform(msg({ type: 'track', event: 'generate_lead', anonymousId: 'a' }), d, context())).toEqual({ dropped: 'event not allowed' });
  });

  it('drops events the allowlist does not name and environments it does not list', () => {
    expect(transform(msg({ type: 'track', event: 'Viewed Lab Results', anonymousId: 'a' }), destination(), context())).toEqual({ dropped: 'event not allowed' });
    expect(transform(msg({ type: 'track', event: 'Appointment Booked', anonymousId: 'a' }), destination(), context('ga4-main', { environment: 'development' }))).toEqual({
      dropped: 'environment not allowed',
    });
  });

  it('honours consent: absent preferences pass, a denied category drops', () => {
    const denied = msg({ type: 'page', anonymousId: 'a', context: { consent: { categoryPreferences: { analytics: false } } } });
    expect(transform(denied, destination(), context())).toEqual({ dropped: 'consent not granted' });
    const granted = msg({ type: 'page', anonymousId: 'a', context: { consent: { categoryPreferences: { analytics: true } } } });
    expect('event' in transform(granted, destination(), context())).toBe(true);
    expect('event' in transform(msg({ type: 'page', anonymousId: 'a' }), destination({ consent: 'advertising' }), context())).toBe(true);
  });

  it('keeps the page title and page name only when allowed', () => {
    const page = msg({ type: 'page', anonymousId: 'a', name: 'Depression care', context: { page: { title: 'Depression care' } } });
    const hidden = transform(page, destination(), context());
    expect('event' in hidden && (hidden.event.context.page?.title ?? hidden.event.name)).toBeFalsy();
    const d = destination();
    d.allow.production!.pageTitle = true;
    const shown = transform(page, d, context());
    expect('event' in shown && shown.event.context.page?.title).toBe('Depression care');
    expect('event' in shown && shown.event.name).toBe('Depression care');
  });

  it('masks group and alias ids and maps traits by their own allowlists', () => {
    const g = transform(msg({ type: 'group', userId: 'u', groupId: 'clinic-7', traits: { clinic_type: 'pediatrics', address: '1 Main St' } }), destination(), context());
    expect('event' in g && g.event.groupId).toBe(context().mask('clinic-7'));
    expect('event' in g && g.event.traits).toEqual({ clinic_type: 'pediatrics' });
    const i = transform(msg({ type: 'identify', userId: 'u', traits: { plan: 'gold', email: 'x@y.z' } }), destination(), context());
    expect('event' in i && i.event.traits).toEqual({ plan: 'gold' });
    const a = transform(msg({ type: 'alias', userId: 'u', previousId: 'anon-1' }), destination(), context());
    expect('event' in a && a.event.previousId).toBe(context().mask('anon-1'));
  });

  it('keeps the full user agent only without HIPAA mode, where allowed, and when it reads like a browser', () => {
    const m = msg({ type: 'page', anonymousId: 'a', context: { userAgent: chrome } });
    const hipaa = destination();
    hipaa.allow.production!.userAgent = true;
    const r = transform(m, hipaa, context());
    expect('event' in r && r.event.context.userAgentFull).toBeUndefined();
    const baa = destination({ hipaa: { enabled: false, baa: { signed: true } } });
    const notAllowed = transform(m, baa, context());
    expect('event' in notAllowed && notAllowed.event.context.userAgentFull).toBeUndefined();
    baa.allow.production!.userAgent = true;
    const allowed = transform(m, baa, context());
    expect('event' in allowed && allowed.event.context.userAgentFull).toBe(chrome);
    const forged = transform(msg({ type: 'page', anonymousId: 'a', context: { userAgent: `${chrome} call (555) 010-7788` } }), baa, context());
    expect('event' in forged && forged.event.context.userAgentFull).toBeUndefined();
  });

  it('corrects client clock skew with sentAt and never dates events in the future', () => {
    const skewed = msg({ type: 'page', anonymousId: 'a', timestamp: '2026-11-24T10:59:50.000Z', sentAt: '2026-11-24T11:00:00.000Z' });
    expect(correctedTimestamp(skewed, '2026-11-24T10:00:00.000Z')).toBe('2026-11-24T09:59:50.000Z');
    const future = msg({ type: 'page', anonymousId: 'a', timestamp: '2030-01-01T00:00:00.000Z' });
    expect(correctedTimestamp(future, '2026-11-24T10:00:00.000Z')).toBe('2026-11-24T10:00:00.000Z');
  });

  it('is deterministic: the same input gives the same output', () => {
    const m = msg({ type: 'track', event: 'Appointment Booked', anonymousId: 'a', properties: { email: 'e@x.io' } });
    expect(transform(m, destination(), context())).toEqual(transform(m, destination(), context()));
  });
});
