/**
 * An unmodified Segment client (@segment/analytics-node), pointed at the relay with its `host`
 * option, delivers track/identify/page/group calls that reach the GA4 stand-in masked and allowlisted.
 */
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sandbox } from '@palisade/vendor-sandbox';
import { ga4Events, startE2eStack, waitFor, WRITE_KEY, type E2eStack, type RelayProcess } from './helpers/processes.js';

let stack: E2eStack;
let sandbox: Sandbox;
let relay: RelayProcess;

beforeAll(async () => {
  stack = await startE2eStack();
  ({ sandbox, relay } = stack);
});
afterAll(() => stack.stop());

it('delivers Segment library calls through the relay', async () => {
  const analytics = new Analytics({ writeKey: WRITE_KEY, host: relay.url, flushAt: 4, flushInterval: 200 });
  const errors: unknown[] = [];
  analytics.on('error', (e) => errors.push(e));
  analytics.identify({ userId: 'patient-4411', traits: { plan: 'premium', email: 'jane.canary@example.com', name: 'Janet Canaryworth' } });
  analytics.track({ userId: 'patient-4411', event: 'Appointment Booked', properties: { service_line: 'cardiology', email: 'jane.canary@example.com', reason: 'chest pain' } });
  analytics.page({ userId: 'patient-4411', name: 'Book', properties: { url: 'https://clinic.example/book?email=jane.canary%40example.com' } });
  analytics.group({ userId: 'patient-4411', groupId: 'clinic-north', traits: { clinic_type: 'cardiology', street_address: '1 Main St' } });
  analytics.track({ anonymousId: 'anon-1', event: 'Lab Results Viewed', properties: { result: 'positive' } });
  await analytics.closeAndFlush({ timeout: 5000 });
  expect(errors).toEqual([]);

  const events = await waitFor(async () => {
    const got = ga4Events(sandbox.recorder.list('ga4'));
    return got.length === 4 ? got : undefined;
  }, 'four GA4 events');
  const byName = Object.fromEntries(events.map((e) => [e.name, e]));
  expect(Object.keys(byName).sort()).toEqual(['appointment_booked', 'identify', 'join_group', 'page_view']);
  expect(byName.appointment_booked!.params).toMatchObject({ service_line: 'cardiology', email: expect.stringMatching(/^k1:/) });
  expect(byName.appointment_booked!.params).not.toHaveProperty('reason');
  expect(byName.join_group!.params).toMatchObject({ clinic_type: 'cardiology', group_id: expect.stringMatching(/^k1:/) });
  expect(byName.join_group!.params).not.toHaveProperty('street_address');
  const identify = sandbox.recorder
    .list('ga4')
    .map((r) => r.body as { user_properties?: object })
    .find((b) => b.user_properties);
  expect(identify?.user_properties).toEqual({ plan: { value: 'premium' } });
  for (const e of events) expect(e.user_id).toMatch(/^k1:[A-Za-z0-9_-]{43}$/);
  const everything = JSON.stringify(sandbox.recorder.list());
  for (const v of ['patient-4411', 'jane.canary', 'Janet', 'chest pain', '1 Main St', 'clinic-north', 'positive', 'Lab Results']) {
    expect(everything).not.toContain(v);
  }
  for (const r of sandbox.recorder.list('ga4')) expect((r.validation as { validationMessages: unknown[] }).validationMessages).toEqual([]);
});
