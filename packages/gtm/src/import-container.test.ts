/**
 * Two realistic containers through the importer, checked field by field: Riverbend (the demo
 * clinic's container, as the GTM UI exports it, and the same container in the API's casing) and
 * Lakeside (written in the API's casing, with legacy GA4 tags and a token in a constant).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../relay/src/config/config-schema.js';
import { configYaml } from './config-yaml.js';
import { importContainer } from './import-container.js';
import { lakeside, META_TOKEN_IN_CONSTANT } from './lakeside.fixture.js';
import { readExport } from './read-export.js';
import { reportHtml, reportMarkdown } from './report-text.js';

const RIVERBEND = readFileSync(new URL('../../../examples/gtm/riverbend-container.json', import.meta.url), 'utf8');
const OPTIONS = { writeKey: 'pk_live_test_0123456789', origins: ['https://www.riverbend.example'] };

/** The UI's enum spellings and the API's, one by one (a value missing here fails the test). */
const API_CASE: Record<string, string> = {
  TEMPLATE: 'template',
  BOOLEAN: 'boolean',
  INTEGER: 'integer',
  LIST: 'list',
  MAP: 'map',
  PAGEVIEW: 'pageview',
  LINK_CLICK: 'linkClick',
  FORM_SUBMISSION: 'formSubmission',
  CUSTOM_EVENT: 'customEvent',
  CLICK: 'click',
  TIMER: 'timer',
  SCROLL_DEPTH: 'scrollDepth',
  YOU_TUBE_VIDEO: 'youTubeVideo',
  HISTORY_CHANGE: 'historyChange',
  CONTAINS: 'contains',
  EQUALS: 'equals',
  CSS_SELECTOR: 'cssSelector',
  MATCH_REGEX: 'matchRegex',
  STARTS_WITH: 'startsWith',
  ONCE_PER_EVENT: 'oncePerEvent',
  NOT_SET: 'notSet',
  NEEDED: 'needed',
  WEB: 'web',
  PAGE_URL: 'pageUrl',
  PAGE_HOSTNAME: 'pageHostname',
  PAGE_PATH: 'pagePath',
  REFERRER: 'referrer',
  EVENT: 'event',
  CLICK_ELEMENT: 'clickElement',
  CLICK_CLASSES: 'clickClasses',
  CLICK_ID: 'clickId',
  CLICK_URL: 'clickUrl',
  CLICK_TEXT: 'clickText',
  FORM_ID: 'formId',
  HISTORY_SOURCE: 'historySource',
};
const ENUM_KEYS = new Set(['type', 'tagFiringOption', 'consentStatus', 'usageContext']);

function apiCasing(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => apiCasing(v, key));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, apiCasing(v, k)]));
  if (typeof value === 'string' && ENUM_KEYS.has(key) && /^[A-Z_]+$/.test(value)) {
    const api = API_CASE[value];
    if (api === undefined) throw new Error(`no API spelling for ${value}`);
    return api;
  }
  return value;
}

const riverbend = () => importContainer(readExport(RIVERBEND), OPTIONS);

describe('Riverbend (UI export)', () => {
  const { config, report } = riverbend();
  const destinations = config.destinations as Array<Record<string, any>>;
  const byId = (id: string) => destinations.find((d) => d.id === id)!;

  it('passes the config schema the relay and `palisade config check` use', () => {
    const parsed = configSchema.safeParse(parse(configYaml({ config, report })));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(config).toMatchObject({
      version: 1,
      environments: { production: { writeKey: 'pk_live_test_0123456789', allowedOrigins: ['https://www.riverbend.example'] } },
      masking: { key: 'env:PALISADE_MASKING_KEY' },
      browser: { csp: { mode: 'report-only' } },
    });
  });

  it('GA4: config and event tags, page views, definitions, masked and dropped parameters', () => {
    expect(byId('ga4')).toEqual({
      id: 'ga4',
      type: 'ga4',
      connection: 'server',
      hipaa: { enabled: true },
      consent: 'analytics',
      settings: { measurementId: 'G-8Q1ZT4RM2C', apiSecret: 'env:GA4_API_SECRET' },
      allow: {
        production: {
          events: ['$pageview', 'GA4 - Book appointment click', 'GA4 - Appointment request', 'dataLayer:appointment_booked', 'GA4 - Find a doctor tab', 'GA4 - Outbound link'],
          // email and phone_number are not here: dropped. The clicked text is masked.
          eventProperties: { $text: 'mask', service_line: 'mask', value: 'allow' },
        },
      },
      mapping: {
        events: {
          'GA4 - Book appointment click': 'book_appointment_click',
          'GA4 - Appointment request': 'appointment_request',
          appointment_booked: 'schedule_appointment',
          'GA4 - Find a doctor tab': 'doctor_tab_click',
          'GA4 - Outbound link': 'outbound_click',
        },
        properties: { $text: 'link_text' },
        constants: { currency: 'USD' },
      },
    });
  });

  it('event definitions: link, form and CSS-selector clicks, with blocking triggers and negated filters as unless', () => {
    expect(config.definitions).toEqual([
      {
        name: 'GA4 - Book appointment click',
        on: 'click',
        selector: 'a[href*="/book.html"]',
        unless: [{ url: '/portal*' }],
        description: 'GTM tag "GA4 - Book appointment click", trigger "Link - Book appointment"',
      },
      { name: 'GA4 - Appointment request', on: 'submit', selector: 'form#appointment', description: 'GTM tag "GA4 - Appointment request", trigger "Form - Appointment"' },
      { name: 'Meta Pixel - Base', on: 'pageview', unless: [{ url: '/portal*' }], description: 'GTM tag "Meta Pixel - Base", trigger "All Pages"' },
      { name: 'TikTok - Submit form', on: 'submit', selector: 'form#appointment', description: 'GTM tag "TikTok - Submit form", trigger "Form - Appointment"' },
      { name: 'GA4 - Find a doctor tab', on: 'click', selector: 'div.tabs > button[role=tab]', description: 'GTM tag "GA4 - Find a doctor tab", trigger "Click - Doctor tabs"' },
      {
        name: 'GA4 - Outbound link',
        on: 'click',
        selector: 'a[href^="http"]',
        unless: [{ selector: 'a[href*="riverbend"]' }],
        description: 'GTM tag "GA4 - Outbound link", trigger "Link - Outbound"',
      },
    ]);
  });

  it('ad platforms: Google Ads off until completed, Meta and TikTok from custom HTML, LinkedIn and Microsoft conversions', () => {
    expect(byId('google-ads')).toEqual({
      id: 'google-ads',
      type: 'google-ads',
      enabled: false,
      connection: 'server',
      hipaa: { enabled: true },
      consent: 'advertising',
      settings: {
        customerId: '000-000-0000',
        clientId: 'set-me.apps.googleusercontent.com',
        validateOnly: true,
        developerToken: 'env:GOOGLE_ADS_DEVELOPER_TOKEN',
        clientSecret: 'env:GOOGLE_ADS_CLIENT_SECRET',
        refreshToken: 'env:GOOGLE_ADS_REFRESH_TOKEN',
      },
      allow: { production: { events: ['dataLayer:appointment_booked'], eventProperties: { value: 'allow' } } },
      mapping: { events: { appointment_booked: 'AbC-D_efG12hIjK' }, constants: { currency: 'USD' } },
    });
    expect(byId('meta')).toMatchObject({
      consent: 'advertising',
      settings: { pixelId: '914305718822301', accessToken: 'env:META_ACCESS_TOKEN' },
      allow: { production: { events: ['Meta Pixel - Base', 'dataLayer:appointment_booked'], eventProperties: { service_line: 'mask', value: 'allow' } } },
      mapping: { events: { 'Meta Pixel - Base': 'PageView', appointment_booked: 'Schedule' }, properties: { service_line: 'content_category' }, constants: { currency: 'USD' } },
    });
    expect(byId('meta')).not.toHaveProperty('identifiers'); // contact hashes stay at their default: never
    expect(byId('tiktok')).toMatchObject({
      settings: { pixelCode: 'CK3M7RJC77U9N2B1TQ40' },
      allow: { production: { events: ['TikTok - Submit form'] } },
      mapping: { events: { 'TikTok - Submit form': 'SubmitForm' }, constants: { content_type: 'appointment' } },
    });
    expect(byId('linkedin')).toMatchObject({
      settings: { accessToken: 'env:LINKEDIN_ACCESS_TOKEN' },
      allow: { production: { events: ['dataLayer:appointment_booked'] } },
      mapping: { events: { appointment_booked: '15201234' } },
    });
    expect(byId('microsoft-ads')).toMatchObject({
      settings: { tagId: '343210987' },
      allow: { production: { events: ['dataLayer:appointment_booked'], eventProperties: { value: 'allow' } } },
      mapping: { events: { appointment_booked: 'book_appointment' }, properties: { value: 'revenue_value' } },
    });
    expect(destinations.map((d) => d.id)).toEqual(['ga4', 'google-ads', 'meta', 'tiktok', 'linkedin', 'microsoft-ads']);
  });

  it('report: every tag with its status, the critical PHI first, env vars and next steps', () => {
    expect(report.container).toEqual({ id: 'GTM-K7PX2QD', name: 'www.riverbend.example', version: '57', exportTime: '2026-11-20 14:02:11', tags: 23, triggers: 10, variables: 13 });
    expect(report.counts).toEqual({ kept: 1, changed: 11, dropped: 9, review: 2 });
    expect(report.critical.map((c) => [c.tag, c.what])).toEqual([
      ['Google Ads - Booking conversion', 'User-Provided Data variable in AUTO mode'],
      ['Meta Pixel - Base', 'Meta advanced matching (em, ph)'],
      ['Microsoft UET - Booking', 'Microsoft enhanced conversions (uetq set pid)'],
    ]);
    const status = Object.fromEntries(report.tags.map((t) => [t.tag, t.status]));
    expect(status).toEqual({
      'Google tag - GA4': 'changed',
      'GA4 - Book appointment click': 'changed',
      'GA4 - Appointment request': 'changed',
      'GA4 - Appointment booked': 'changed',
      'Google Ads - Booking conversion': 'changed',
      'Meta Pixel - Base': 'changed',
      'Meta Pixel - Schedule': 'changed',
      'TikTok - Submit form': 'changed',
      'LinkedIn - Booking conversion': 'kept',
      'Microsoft UET - Booking': 'changed',
      Hotjar: 'dropped',
      'CareChat widget': 'review',
      'Google Ads Remarketing': 'dropped',
      'Conversion Linker': 'dropped',
      'UA - Pageview (old)': 'dropped',
      'Cookiebot CMP': 'review',
      'Facebook noscript pixel': 'dropped',
      'GA4 - Find a doctor tab': 'changed',
      'GA4 - Engaged 30 seconds': 'dropped',
      'GA4 - Scroll 75': 'dropped',
      'GA4 - Video progress': 'dropped',
      'GA4 - Outbound link': 'changed',
      'GA4 - SPA virtual page view': 'dropped',
    });
    const tag = (name: string) => report.tags.find((t) => t.tag === name)!;
    expect(tag('Hotjar')).toMatchObject({ vendor: 'Hotjar', wouldSend: ['requests to static.hotjar.com'] });
    expect(tag('CareChat widget').wouldSend).toEqual(['requests to widget.carechat.example', 'the value of {{DL - email}}', 'the value of {{Page URL}}']);
    expect(tag('Cookiebot CMP')).toMatchObject({ kind: 'Custom template "Cookiebot CMP"', wouldSend: ['serial = {{Const - Cookiebot ID}}', 'iabFramework'] });
    expect(tag('UA - Pageview (old)').notes).toEqual(['paused in GTM']);
    expect(tag('GA4 - Scroll 75').notes[0]).toMatch(/^trigger "Scroll - 75%" not migrated: scroll depth/);
    expect(tag('Facebook noscript pixel')).toMatchObject({ vendor: 'Meta', wouldSend: ['an image request to www.facebook.com'] });

    const verdicts = report.parameters.map((p) => `${p.tag} / ${p.parameter}: ${p.verdict}`);
    expect(verdicts).toEqual([
      'Google tag - GA4 / user_id: mask',
      'GA4 - Book appointment click / link_text: mask',
      'GA4 - Book appointment click / page_path: drop',
      'GA4 - Appointment request / email: drop',
      'GA4 - Appointment request / phone_number: drop',
      'GA4 - Appointment request / form_id: drop',
      'GA4 - Appointment booked / service_line: mask',
      'GA4 - Appointment booked / email: drop',
      'GA4 - Appointment booked / value: allow',
      'GA4 - Appointment booked / currency: constant',
      'GA4 - Appointment booked / user property patient_type: drop',
      'Google Ads - Booking conversion / value: allow',
      'Google Ads - Booking conversion / currency: constant',
      'Google Ads - Booking conversion / orderId: drop',
      'Meta Pixel - Schedule / content_category: mask',
      'Meta Pixel - Schedule / value: allow',
      'Meta Pixel - Schedule / currency: constant',
      'TikTok - Submit form / content_type: constant',
      'Microsoft UET - Booking / revenue_value: allow',
      'Microsoft UET - Booking / currency: constant',
      'GA4 - Find a doctor tab / tab_name: mask',
      'GA4 - Outbound link / link_url: drop',
    ]);
    const why = (tagName: string, parameter: string) => report.parameters.find((p) => p.tag === tagName && p.parameter === parameter)!.why;
    expect(why('GA4 - Appointment booked', 'email')).toMatch(/the name says email/);
    expect(why('Meta Pixel - Schedule', 'content_category')).toBe('the data layer name service_line is not known to be safe: masked');
    expect(why('GA4 - Find a doctor tab', 'tab_name')).toMatch(/sent as link_text, the name this destination already gives it/);
    expect(report.parameters.find((p) => p.parameter === 'orderId')!.from).toBe('data layer booking_id');
    expect(report.triggers.find((t) => t.trigger === 'Form - Appointment')).toEqual({
      trigger: 'Form - Appointment',
      type: 'submit',
      status: 'migrated',
      became: ['definition "GA4 - Appointment request" (submit: form#appointment)', 'definition "TikTok - Submit form" (submit: form#appointment)'],
      notes: ['ignored {{Page Hostname}}: each Palisade environment is one site'],
    });
    expect(report.env.map((e) => e.name)).toEqual([
      'PALISADE_MASKING_KEY',
      'GA4_API_SECRET',
      'GOOGLE_ADS_DEVELOPER_TOKEN',
      'GOOGLE_ADS_CLIENT_SECRET',
      'GOOGLE_ADS_REFRESH_TOKEN',
      'META_ACCESS_TOKEN',
      'TIKTOK_ACCESS_TOKEN',
      'LINKEDIN_ACCESS_TOKEN',
      'MICROSOFT_ADS_ACCESS_TOKEN',
    ]);
    expect(report.nextSteps.join('\n')).toMatch(/report-only[\s\S]*palisade scan[\s\S]*enforce/);
  });

  it('the same container in the API casing gives the same config and report', () => {
    const api = JSON.stringify(apiCasing(JSON.parse(RIVERBEND)));
    expect(api).not.toContain('"PAGEVIEW"');
    expect(importContainer(readExport(api), OPTIONS)).toEqual(riverbend());
  });

  it('points destinations at a vendor sandbox on request', () => {
    const sandboxed = importContainer(readExport(RIVERBEND), { ...OPTIONS, sandbox: 'http://127.0.0.1:8789' }).config.destinations as Array<Record<string, any>>;
    expect(sandboxed.map((d) => d.settings.endpoint)).toEqual(['/ga4', '/google-ads', '/meta', '/tiktok', '/linkedin', '/microsoft'].map((p) => `http://127.0.0.1:8789${p}`));
    expect(sandboxed[1]!.settings.tokenUrl).toBe('http://127.0.0.1:8789/google-ads/token');
  });

  it('renders both reports with every container value escaped', () => {
    const hostile = JSON.parse(RIVERBEND);
    hostile.containerVersion.tag[11].name = '<img src=x onerror=alert(1)> | ## `x`';
    const { report: r } = importContainer(readExport(JSON.stringify(hostile)), OPTIONS);
    const html = reportHtml(r);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    const md = reportMarkdown(r);
    expect(md).toContain('\\<img src=x onerror=alert(1)\\> \\| \\#\\# \\`x\\`');
    expect(md).toMatch(/^# GTM migration report: GTM-K7PX2QD \(www\.riverbend\.example\)$/m);
    expect(md).toContain('**23 tags: 1 kept, 11 changed, 9 dropped, 2 to review; 3 critical PHI findings.**');
  });
});

describe('Lakeside (API export, legacy GA4 tags)', () => {
  const { config, report } = importContainer(readExport(JSON.stringify(lakeside)), OPTIONS);
  const ga4 = (config.destinations as Array<Record<string, any>>)[0]!;

  it('legacy config and event tags find their measurement id; regex event lists forward under their own names', () => {
    expect(configSchema.safeParse(parse(configYaml({ config, report }))).error?.issues ?? []).toEqual([]);
    expect((config.destinations as unknown[]).length).toBe(1);
    expect(ga4).toMatchObject({
      id: 'ga4',
      consent: 'analytics',
      settings: { measurementId: 'G-LAKE1234' },
      allow: {
        production: {
          events: ['$pageview', 'dataLayer:booking_start', 'dataLayer:booking_complete', 'GA4 Event - contact form', 'GA4 Event - call click'],
          eventProperties: { 'booking.treatment': 'mask' },
        },
      },
      mapping: {
        events: { 'GA4 Event - contact form': 'generate_lead', 'GA4 Event - call click': 'click_to_call' },
        properties: { 'booking.treatment': 'treatment' },
        constants: { currency: 'USD' },
      },
    });
  });

  it('negated filters and classes, ids and text patterns become definition conditions', () => {
    expect(config.definitions).toEqual([
      {
        name: 'GA4 Event - contact form',
        on: 'submit',
        selector: '[class*="contact-form"]',
        // the blocking trigger first, then the negated filter
        unless: [{ url: '/staff*' }, { url: '/test*' }],
        description: 'GTM tag "GA4 Event - contact form", trigger "Contact form"',
      },
      { name: 'GA4 Event - call click', on: 'click', selector: '#call-now', text: 'Call us*', description: 'GTM tag "GA4 Event - call click", trigger "Call button"' },
    ]);
  });

  it('a blocking trigger that cannot be evaluated holds the tag back for review (fail closed); user-provided data is critical', () => {
    const tag = (name: string) => report.tags.find((t) => t.tag === name)!;
    expect(tag('GA4 Event - newsletter')).toMatchObject({ status: 'review', events: [] });
    expect(tag('GA4 Event - newsletter').notes).toContain(
      'blocking trigger "Internal traffic" cannot be carried over (filter {{Cookie - internal}} equals ...: the relay has no equivalent of this variable), so "Newsletter form" is not migrated',
    );
    expect(JSON.stringify(config)).not.toContain('sign_up');
    expect(tag('GA4 Configuration').notes).toContain('consent: needs analytics (from the tag\u2019s consent settings)'.replace('\u2019', "'"));
    expect(report.critical).toEqual([{ tag: 'GA4 Configuration', what: 'User-Provided Data variable (MANUAL)', why: expect.stringContaining('email, phone_number') }]);
    expect(report.parameters.find((p) => p.parameter === 'date_of_birth')).toMatchObject({ verdict: 'drop', why: expect.stringMatching(/date of birth/) });
    expect(report.parameters.find((p) => p.parameter === 'content_group')).toMatchObject({ verdict: 'drop' });
    expect(tag('Meta CAPI helper')).toMatchObject({ status: 'review', notes: expect.arrayContaining(['"once per page" becomes once per event on the relay']) });
  });

  it('never repeats a token it found in a constant, in the config or either report', () => {
    const everything = JSON.stringify(config) + JSON.stringify(report) + reportMarkdown(report) + reportHtml(report);
    expect(everything).not.toContain(META_TOKEN_IN_CONSTANT);
    expect(everything).not.toContain('EAAB');
  });
});
