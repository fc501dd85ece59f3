/**
 * For random events and random allowlists: no property outside the allowlist and no canary PHI
 * value in clear reaches any destination payload (the clean event, GA4's body, the webhook body).
 *
 * Driven through the production path: `validateMessages` and `toOutbox` (what the ingest route
 * runs), the outbox row's payload through JSON (what the store keeps), and the connector's
 * `buildRequest` (what the delivery worker sends). Destinations with a recorded BAA are covered
 * too: they may take allowed property values in clear, but identifiers stay masked, the IP is
 * never forwarded, URLs are reduced and every context field is screened the same way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageSchema, type DestinationConfig } from '@palisade/schema';
import { configSchema, destinationSchema } from '../config/config-schema.js';
import type { HttpConnector } from '../destinations/connector.js';
import type { ContractFixture } from '../destinations/connector.contract.js';
import { ga4Name } from '../destinations/ga4/names.js';
import { connectors } from '../destinations/registry.js';
import { vendorPayload } from '../delivery/vendor-payload.js';
import type { CleanObject } from './allowlist.js';
import { activateDestinations } from '../destinations/active-destination.js';
import type { StoredEvent } from './stored-event.js';
import { toOutbox } from './fan-out.js';
import { validateMessages } from '../ingest/validate-messages.js';
import { context, TEST_MASTER_KEY, testRules } from './pipeline.fixture.js';
import { transform } from './transform.js';

/** Direct identifiers of the kinds HIPAA's Safe Harbor lists, each easy to find in a payload. */
const CANARIES = {
  email: ['jane.canary@example.com', 'MRS.CANARY@clinic-mail.org'],
  phone: ['(555) 010-4477', '+1 555 010 9911'],
  ssn: ['078-05-1120', '219-09-9999'],
  dob: ['1961-04-12', '04/12/1961'],
  ip: ['198.51.100.77', '2001:db8::7:77'],
  name: ['Janet Canaryworth', 'Bartholomew Quillfeather'],
  mrn: ['MRN-88231947', 'MRN88231947X'],
};
/** Values that an `allow` rule would let through if the value screen did not catch them. */
const DETECTABLE = [...CANARIES.email, ...CANARIES.phone, ...CANARIES.ssn, ...CANARIES.dob, ...CANARIES.ip];
const ALL = Object.values(CANARIES).flat();
const SAFE = ['cardiology', 'new-patient', 'clinic-7', 'Book now', 'spring'];

const KEYS = ['service_line', 'clinic_id', 'email', 'phone', 'name', 'reason', 'notes', 'plan', 'appointment', 'visit'];
const NESTED = ['type', 'reason', 'patient'];
const EVENTS = ['Appointment Booked', 'Form Submitted', '$click'];

const rule = fc.constantFrom('allow' as const, 'mask' as const);
const allowlistArb = fc.record({
  events: fc.subarray([...EVENTS, '$pageview', '$identify', '$group', '$screen', '$alias']),
  eventProperties: fc.dictionary(fc.constantFrom(...KEYS, ...NESTED.map((n) => `appointment.${n}`)), rule),
  userProperties: fc.dictionary(fc.constantFrom(...KEYS), rule),
  groupProperties: fc.dictionary(fc.constantFrom(...KEYS), rule),
  pageTitle: fc.boolean(),
});

/** Values for a key: anything where the key is not allowed in clear, else safe or detectable PHI. */
function valueFor(clear: boolean): fc.Arbitrary<unknown> {
  const canary = fc.constantFrom(...(clear ? DETECTABLE : ALL));
  const leaf = fc.oneof(canary, fc.constantFrom(...SAFE), fc.integer());
  return fc.oneof(leaf, fc.array(canary, { maxLength: 3 }), fc.dictionary(fc.constantFrom(...NESTED), fc.oneof(canary, fc.constantFrom(...SAFE)), { maxKeys: 3 }));
}

function propertiesArb(rules: Record<string, 'allow' | 'mask'>): fc.Arbitrary<Record<string, unknown>> {
  const clearPaths = new Set(
    Object.entries(rules)
      .filter(([, r]) => r === 'allow')
      .map(([p]) => p),
  );
  const entries = KEYS.map((k) => {
    const nestedClear = NESTED.some((n) => clearPaths.has(`${k}.${n}`));
    return fc.tuple(fc.constant(k), valueFor(clearPaths.has(k) || nestedClear), fc.boolean());
  });
  return fc.tuple(...entries).map((list) => Object.fromEntries(list.filter(([, , present]) => present).map(([k, v]) => [k, v])));
}

const pick = (kind: keyof typeof CANARIES) => fc.constantFrom(...CANARIES[kind]);
/**
 * Canaries for identifiers and context fields only (never in a property a BAA could allow):
 * none of them may reach any destination, BAA or not.
 */
const ID_CANARIES = ['idcanary.jane@example.com', 'MRN-55512345', '(555) 010-7788', 'Ida Idcanary', '203.0.113.77', '1958-02-03'];
const idPick = fc.constantFrom(...ID_CANARIES);
const urlArb = fc
  .tuple(pick('email'), pick('mrn'), pick('name'), pick('dob'))
  .map(
    ([email, mrn, name, dob]) =>
      `https://clinic.example/patients/${encodeURIComponent(email)}/chart/88231947?name=${encodeURIComponent(name)}&dob=${dob}&utm_source=news#${encodeURIComponent(mrn)}`,
  );

function scenario() {
  return allowlistArb.chain((allow) =>
    fc.record({
      allow: fc.constant(allow),
      type: fc.constantFrom('track', 'page', 'identify', 'group', 'screen', 'alias'),
      event: fc.constantFrom(...EVENTS),
      properties: propertiesArb(allow.eventProperties),
      userTraits: propertiesArb(allow.userProperties),
      groupTraits: propertiesArb(allow.groupProperties),
      userId: fc.option(fc.constantFrom(...ALL), { nil: undefined }),
      anonymousId: fc.constantFrom(...ALL),
      groupId: fc.constantFrom(...ALL),
      url: urlArb,
      referrer: urlArb,
      title: allow.pageTitle ? fc.constantFrom(...SAFE) : fc.constantFrom(...ALL),
      ip: pick('ip'),
      hipaa: fc.boolean(),
      idCanary: idPick,
      contextCanary: idPick,
    }),
  );
}

function leafPaths(object: CleanObject, prefix = ''): string[] {
  return Object.entries(object).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? leafPaths(v, path) : [path];
  });
}

function containsCanary(text: string, canaries: string[] = ALL): string | undefined {
  const lower = text.toLowerCase();
  return canaries.find((c) => lower.includes(c.toLowerCase()) || lower.includes(encodeURIComponent(c).toLowerCase()));
}

const FIXTURES = new Map<string, ContractFixture>();
for (const { type } of connectors) FIXTURES.set(type, ((await import(`../destinations/${type}/contract.fixture.ts`)) as { fixture: ContractFixture }).fixture);

describe('transform never leaks (property-based)', () => {
  it('keeps every payload inside its allowlist and free of canary PHI', () => {
    fc.assert(
      fc.property(scenario(), (s) => {
        // Every registered destination type, with the settings of its contract fixture.
        const destinations: DestinationConfig[] = connectors.map(({ type }) =>
          destinationSchema.parse({
            id: `d-${type}`,
            type,
            settings: FIXTURES.get(type)!.settings.config,
            // Half the runs with a BAA: allowed values are then not screened; the rules for ids, URLs,
            // IPs and titles stay the same.
            hipaa: s.hipaa ? { enabled: true } : { enabled: false, baa: { signed: true } },
            allow: { production: s.allow },
          }),
        );
        // The page URL carries an identifier canary too: reduced for every destination, BAA or not.
        const url = s.url.replace('#', `&ref=${encodeURIComponent(s.idCanary)}#`);
        const raw: Record<string, unknown> = {
          type: s.type,
          messageId: 'msg-1',
          anonymousId: s.anonymousId,
          context: {
            ip: s.ip,
            page: { url, referrer: url, title: s.title, path: new URL(url).pathname, search: new URL(url).search },
            userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
          },
        };
        if (s.userId !== undefined) raw.userId = s.userId;
        if (s.type === 'track') Object.assign(raw, { event: s.event, properties: s.properties });
        if (s.type === 'page' || s.type === 'screen') Object.assign(raw, { name: s.title, properties: s.properties });
        if (s.type === 'identify') raw.traits = s.userTraits;
        if (s.type === 'group') Object.assign(raw, { groupId: s.groupId, traits: s.groupTraits });
        if (s.type === 'alias') raw.previousId = s.groupId;
        // Every context field carries a canary too: none is named by any allowlist.
        const ctx = raw.context as Record<string, unknown>;
        Object.assign(ctx, {
          campaign: { source: s.contextCanary, medium: s.contextCanary, name: s.contextCanary, term: s.contextCanary },
          ip: '203.0.113.77',
          locale: s.contextCanary.slice(0, 60),
          timezone: s.contextCanary,
          sessionId: 5550107788,
          library: { name: s.contextCanary, version: s.contextCanary },
          userAgent: `Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0 ${s.contextCanary}`,
        });
        if (s.userId === undefined) raw.userId = s.idCanary;
        const { messages, rejected } = validateMessages([raw]);
        expect(rejected).toEqual([]);
        const message = messageSchema.parse(raw);
        const active = activateDestinations(
          configSchema.parse({
            environments: { production: { writeKey: 'pk_test_0123456789', allowedOrigins: ['https://clinic.example'] } },
            masking: { key: 'env:K' },
            destinations,
          }) as never,
          TEST_MASTER_KEY,
          Object.fromEntries(destinations.map((d) => [d.id, FIXTURES.get(d.type)!.settings.resolved])),
        );
        const { rows } = toOutbox(messages, active, 'production', testRules(), '2026-11-24T10:00:00.000Z');

        for (const d of destinations) {
          const row = rows.find((r) => r.destinationId === d.id);
          const result = transform(message, d, context(d.id));
          // The production path and the one-message path agree on what is admitted.
          expect(row === undefined).toBe('dropped' in result);
          if (row === undefined || !('event' in result)) continue;
          const destination = active.find((a) => a.config.id === d.id)!;
          // What the store keeps, read back, then what the delivery worker makes of it.
          const stored = JSON.parse(JSON.stringify(row.payload)) as StoredEvent;
          expect(stored.event).toEqual(JSON.parse(JSON.stringify(result.event)));
          const vendor = vendorPayload(stored, destination);
          if (!('payload' in vendor)) continue; // GA4 has no place for an alias
          const e = stored.event;
          const rules = e.type === 'identify' ? s.allow.userProperties : e.type === 'group' ? s.allow.groupProperties : s.allow.eventProperties;
          const allowed = new Set(Object.keys(rules));
          for (const path of [...leafPaths(e.properties), ...leafPaths(e.traits)]) expect(allowed.has(path), path).toBe(true);

          const connector = destination.connector as HttpConnector;
          const request = connector.buildRequest([vendor.payload], destination.settings, { now: new Date('2026-11-24T10:00:00Z') });
          const body = request.body;
          if (d.type === 'ga4') {
            const params = Object.keys((vendor.payload as { events: Array<{ params: object }> }).events[0]!.params);
            const fixed = new Set([
              'session_id',
              'engagement_time_msec',
              'page_location',
              'page_referrer',
              'page_title',
              'screen_name',
              'group_id',
              'source',
              'medium',
              'campaign',
            ]);
            const fromAllowlist = new Set([...allowed].map((p) => ga4Name(p.replace(/\./g, '_'))));
            for (const p of params) expect(fixed.has(p) || fromAllowlist.has(p), p).toBe(true);
          }
          for (const text of [body, request.url, JSON.stringify(request.headers), JSON.stringify(stored)]) {
            // Identifiers, IP and context fields: never, with or without a BAA.
            expect(containsCanary(text, ID_CANARIES)).toBeUndefined();
            // Without a BAA the screen must catch every canary; with one, allowed clear values are the owner's call.
            if (d.hipaa.enabled) expect(containsCanary(text)).toBeUndefined();
            expect(text).not.toContain(TEST_MASTER_KEY.toString('hex'));
            expect(text).not.toContain(TEST_MASTER_KEY.toString('base64url'));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the canary check itself finds a leak when an allowlist lets a name through', () => {
    // Guards the test above against passing vacuously.
    const d = destinationSchema.parse({
      id: 'd',
      type: 'webhook',
      settings: { url: 'https://h.example', secret: 'env:Y' },
      allow: { production: { events: ['Form Submitted'], eventProperties: { name: 'allow' } } },
    });
    const r = transform(messageSchema.parse({ type: 'track', event: 'Form Submitted', anonymousId: 'a', properties: { name: 'Janet Canaryworth' } }), d, context('d'));
    expect('event' in r && containsCanary(JSON.stringify(r.event))).toBe('Janet Canaryworth');
  });
});
