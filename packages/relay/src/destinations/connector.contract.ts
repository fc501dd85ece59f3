/**
 * The contract every connector passes, like the Store's: `connectors.contract.test.ts` runs it
 * for each connector in the registry, with the fixture in the connector's folder
 * (`<type>/contract.fixture.ts`). It drives the production path: raw messages through
 * validation and the pipeline into stored events, then `vendorPayload` (recheck, mapping, format)
 * and the connector's request or write, as the delivery worker does.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CleanEvent } from '../pipeline/clean-event.js';
import { testRules, TEST_MASTER_KEY } from '../pipeline/pipeline.fixture.js';
import type { StoredEvent } from '../pipeline/stored-event.js';
import { buildConfigSchema, type PalisadeConfig } from '@palisade/schema';
import { settingsSchemas } from './registry.js';
import { planBatches } from '../delivery/batches.js';
import { vendorPayload } from '../delivery/vendor-payload.js';
import { toOutbox } from '../pipeline/fan-out.js';
import { validateMessages } from '../ingest/validate-messages.js';
import { activateDestination, type ActiveDestination } from './active-destination.js';
import type { BatchOutcome, Connector, OutboundRequest, VendorResponse } from './connector.js';

export interface ContractFixture {
  /** Settings as the config names them (secret references) and as resolved. */
  settings: { config: Record<string, unknown>; resolved: Record<string, unknown> };
  /** Recorded clean events of one visitor, and the request (or sink payloads) they make. */
  requests: Array<{ name: string; events: CleanEvent[]; expect: { url?: string; headers?: Record<string, string>; body: unknown } }>;
  /** Recorded vendor responses for a batch of `batch` events, and their outcome. */
  responses: Array<{ name: string; response: VendorResponse; batch: number; expect: BatchOutcome }>;
  /** More of the destination's config: identifier opt-ins, a mapping of conversion ids. */
  destination?: Record<string, unknown>;
  /**
   * The vendor matches only by click ids or contact hashes (Google Ads, LinkedIn): without a
   * patient authorization nothing is sent at all.
   */
  authorizedOnly?: boolean;
}

/** An authorized visitor's consent and identifiers, as the pipeline stores them. */
const AUTHORIZED = { analytics: true, advertising: true, authorization: true, gpc: false };
const IDENTIFIERS = {
  clickIds: { gclid: 'Cj0KCQiAcontract', fbc: 'fb.1.1764000000000.IwARcontract', ttclid: 'E.C.P.contract', li_fat_id: 'contract-li-fat-id', msclkid: 'contractmsclkid0' },
  emailSha256: 'a'.repeat(64),
  phoneSha256: 'b'.repeat(64),
};

/** A canary and the forms a careless pipeline would let it out in: hashed without a key, normalized first. */
function canaryForms(canary: string): string[] {
  const forms = new Set([canary, canary.toLowerCase(), canary.replace(/\D/g, ''), `+1${canary.replace(/\D/g, '')}`]);
  const out: string[] = [];
  for (const form of forms) {
    if (form.length < 4) continue;
    out.push(form, encodeURIComponent(form));
    for (const algorithm of ['sha256', 'sha1', 'md5']) out.push(createHash(algorithm).update(form).digest('hex'));
  }
  return out;
}

/** The fixtures' events happened minutes before this delivery time. */
const CONTRACT_NOW = Date.parse('2026-11-24T10:00:00.000Z');
const CANARIES = ['jane.canary@example.com', '(555) 010-4477', '078-05-1120', '1961-04-12', '198.51.100.77', 'Janet Canaryworth', 'MRN-88231947'];
const PROPS = ['email', 'phone', 'ssn', 'dob', 'ip', 'name', 'mrn'];
/** The screen catches the first five kinds in clear; names and record numbers only a mask can hide. */
const SCREENABLE = new Set(['email', 'phone', 'ssn', 'dob', 'ip']);

/** The connector as the relay would activate it from a config, registered or not (yet). */
function destinationFor(connector: Connector, fixture: ContractFixture, allow: Record<string, unknown>): ActiveDestination {
  const schema = buildConfigSchema({ ...settingsSchemas(), [connector.type]: connector.settings });
  const config = schema.parse({
    environments: { production: { writeKey: 'pk_contract_0123', allowedOrigins: ['https://clinic.example'] } },
    masking: { key: 'env:K' },
    destinations: [{ id: 'contract', type: connector.type, settings: fixture.settings.config, allow: { production: allow }, ...fixture.destination }],
  }) as PalisadeConfig;
  return activateDestination(config, config.destinations[0]!, TEST_MASTER_KEY, fixture.settings.resolved, connector);
}

/** What the worker sends for these payloads: the request text (http) or the written JSON (sink). */
function wire(connector: Connector, payloads: unknown[], settings: Record<string, unknown>): OutboundRequest | { body: string } {
  if (connector.kind === 'http') return connector.buildRequest(payloads, settings, { now: new Date(CONTRACT_NOW) });
  return { body: JSON.stringify(payloads) };
}

function stored(event: CleanEvent): StoredEvent {
  return { v: 1, env: 'production', key: event.event, masked: [], event };
}

export function connectorContract(connector: Connector, fixture: ContractFixture): void {
  // Every canary property allowed: in clear where the screen must catch it, masked otherwise.
  const rules = Object.fromEntries(PROPS.map((p) => [p, SCREENABLE.has(p) ? 'allow' : 'mask']));
  const everything = {
    events: ['Appointment Booked', '$pageview', '$identify', '$group', '$screen', '$alias'],
    eventProperties: { service_line: 'allow', ...rules },
    userProperties: rules,
    groupProperties: Object.fromEntries(PROPS.map((p) => [p, 'mask'])),
  };

  describe(`connector contract: ${connector.type}`, () => {
    it('declares a settings schema that accepts the fixture and names its secrets', () => {
      expect(connector.settings.safeParse(fixture.settings.config).success).toBe(true);
      expect(connector.label.length).toBeGreaterThan(0);
      expect(connector.limits.maxEvents).toBeGreaterThan(0);
    });

    for (const recorded of fixture.requests) {
      it(`maps recorded events to the recorded request: ${recorded.name}`, () => {
        const destination = destinationFor(connector, fixture, {
          ...everything,
          pageTitle: true,
          events: recorded.events.map((e) => e.event),
          eventProperties: allowAll(recorded.events, 'properties'),
          userProperties: allowAll(recorded.events, 'traits'),
          groupProperties: allowAll(recorded.events, 'traits'),
        });
        const payloads = recorded.events.map((e) => {
          const result = vendorPayload(stored(e), destination, undefined, CONTRACT_NOW);
          if (!('payload' in result)) throw new Error(`not sent: ${JSON.stringify(result)}`);
          return result.payload;
        });
        const request = wire(connector, payloads, destination.settings);
        if (recorded.expect.url !== undefined && 'url' in request) expect(request.url).toBe(recorded.expect.url);
        if (recorded.expect.headers !== undefined && 'headers' in request) expect(request.headers).toMatchObject(recorded.expect.headers);
        expect(JSON.parse(request.body)).toEqual(recorded.expect.body);
      });
    }

    it("batches within the vendor's limits", () => {
      const destination = destinationFor(connector, fixture, everything);
      const n = connector.limits.maxEvents * 2 + 1;
      const items = Array.from({ length: n }, (_, i) => {
        const event: CleanEvent = {
          eventId: `e${i}`,
          type: 'track',
          event: 'Appointment Booked',
          anonymousId: 'k1:visitor',
          timestamp: '2026-11-24T09:59:00.000Z',
          properties: { service_line: 'x'.repeat(200) },
          traits: {},
          context: { consent: AUTHORIZED, page: { url: 'https://clinic.example/book' } },
          identifiers: IDENTIFIERS,
        };
        const result = vendorPayload(stored(event), destination, undefined, CONTRACT_NOW);
        if (!('payload' in result)) throw new Error('not sent');
        return { ...result, bytes: JSON.stringify(result.payload).length };
      });
      const batches = planBatches(items, connector.limits.maxEvents, connector.limits.maxBytes);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(connector.limits.maxEvents);
        expect(
          Buffer.byteLength(
            wire(
              connector,
              batch.map((b) => b.payload),
              destination.settings,
            ).body,
          ),
        ).toBeLessThanOrEqual(connector.limits.maxBytes);
      }
    });

    for (const recorded of fixture.responses) {
      it(`classifies a recorded response: ${recorded.name}`, () => {
        if (connector.kind !== 'http') return;
        const outcome = connector.classify(
          recorded.response,
          Array.from({ length: recorded.batch }, () => ({})),
        );
        expect(outcome).toEqual(recorded.expect);
        if (outcome.kind === 'per-event') expect(outcome.outcomes).toHaveLength(recorded.batch);
      });
    }

    it('sends no canary PHI for events full of canaries, in HIPAA mode', () => {
      const destination = destinationFor(connector, fixture, everything);
      const canaryProps = Object.fromEntries(PROPS.map((p, i) => [p, CANARIES[i]]));
      const context = {
        // Click ids and advertising consent, but no patient authorization: no class B or C may leave.
        clickIds: {
          gclid: 'Cj0KCQiAcanaryclick0000',
          fbc: 'fb.1.1764000000000.IwARcanaryclick0000',
          ttclid: 'E.C.P.canaryclick0000000',
          li_fat_id: '0c0c0c0c-aaaa-4bbb-8ccc-cafe0c1c1c1c',
          msclkid: 'cafe0c1c1c1c0c1c1c1c0c1c1c1c0c1c',
        },
        consent: { categoryPreferences: { analytics: true, advertising: true, functional: true }, gpc: false },
        ip: '198.51.100.77',
        userAgent: `Mozilla/5.0 ${CANARIES[0]}`,
        locale: `en-US-x-${CANARIES[5]}`,
        timezone: CANARIES[0],
        campaign: { name: CANARIES[0], source: CANARIES[1] },
        library: { name: CANARIES[0], version: CANARIES[2] },
        page: {
          url: `https://clinic.example/patients/${encodeURIComponent(CANARIES[0]!)}/chart?ssn=${CANARIES[2]}&utm_source=news`,
          referrer: `https://${CANARIES[3]}.example/`,
          title: `Chart of ${CANARIES[5]}`,
          path: `/u/${CANARIES[4]}`,
        },
      };
      const raw = [
        { type: 'track', event: 'Appointment Booked', userId: CANARIES[0], anonymousId: CANARIES[6], properties: canaryProps, context },
        { type: 'page', name: CANARIES[5], anonymousId: CANARIES[1], properties: canaryProps, context },
        { type: 'identify', userId: CANARIES[2], traits: canaryProps, context },
        { type: 'group', userId: CANARIES[0], groupId: CANARIES[5], traits: canaryProps, context },
        { type: 'screen', name: CANARIES[0], anonymousId: CANARIES[3], properties: canaryProps, context },
        { type: 'alias', userId: CANARIES[0], previousId: CANARIES[1], context },
      ];
      const { messages, rejected } = validateMessages(raw);
      expect(rejected).toEqual([]);
      const { rows } = toOutbox(messages, [destination], 'production', testRules(), '2026-11-24T10:00:00.000Z');
      expect(rows.length).toBe(raw.length);
      const payloads = rows
        .map((r) => vendorPayload(JSON.parse(JSON.stringify(r.payload)), destination, undefined, CONTRACT_NOW))
        .flatMap((p) => ('payload' in p ? [p.payload] : []));
      if (fixture.authorizedOnly) {
        // Without an authorization there is no identifier this vendor may match on: nothing goes.
        expect(payloads).toEqual([]);
        return;
      }
      expect(payloads.length).toBeGreaterThan(0);
      const request = wire(connector, payloads, destination.settings);
      const text = JSON.stringify(request).toLowerCase();
      for (const canary of CANARIES) for (const form of canaryForms(canary)) expect(text).not.toContain(form.toLowerCase());
      expect(text).not.toContain('canaryworth');
      for (const value of ['canaryclick', 'cafe0c1c1c1c']) expect(text).not.toContain(value);
    });
  });
}

/** Every leaf path of the recorded events, allowed: the recorded request shows them all. */
function allowAll(events: CleanEvent[], field: 'properties' | 'traits'): Record<string, 'allow'> {
  const out: Record<string, 'allow'> = {};
  const walk = (object: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, path);
      else out[path] = 'allow';
    }
  };
  for (const e of events) walk(e[field], '');
  return out;
}
