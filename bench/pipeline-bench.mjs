// Pipeline throughput on one core, in process: validated message -> transform (what ingest stores)
// -> vendorPayload (what delivery sends: today's allowlist, mapping, the connector's format).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const relay = await import(pathToFileURL(join(process.cwd(), 'packages/relay/dist/index.js')).href);
const schema = await import(pathToFileURL(join(process.cwd(), 'packages/schema/dist/index.js')).href);

export function runPipelineBench() {
  const key = Buffer.alloc(32, 7);
  const config = relay.parseConfig({
    environments: { production: { writeKey: 'pk_bench_0123456789', allowedOrigins: ['https://clinic.example'] } },
    masking: { key: 'env:K' },
    destinations: ['ga4', 'webhook'].map((type) => ({
      id: type,
      type,
      settings: type === 'ga4' ? { measurementId: 'G-BENCH1234', apiSecret: 'env:X' } : { url: 'https://h.example', secret: 'env:Y' },
      allow: { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow', clinic_id: 'allow', email: 'mask', price: 'allow' } } },
    })),
  });
  const settings = { ga4: { measurementId: 'G-BENCH1234', apiSecret: 's', endpoint: 'https://g.example' }, webhook: { url: 'https://h.example', secret: 's' } };
  const destinations = relay.activateDestinations(config, key, settings).map((active) => {
    const k = relay.deriveDestinationKey(key, active.config.id);
    return {
      active,
      config: active.config,
      ctx: {
        environment: 'production',
        rules: { keepQueryParams: new Set(['utm_source']), pageOrigins: new Set(['https://clinic.example']), libraries: new Set(), maxValueLength: 1024, maxValueLengths: {} },
        mask: relay.createMask('k1', k),
        eventId: relay.createEventIdMask(k),
        receivedAt: new Date().toISOString(),
      },
    };
  });
  const messages = Array.from({ length: 1000 }, (_, i) =>
    schema.messageSchema.parse({
      type: 'track',
      event: 'Appointment Booked',
      messageId: `m-${i}`,
      anonymousId: `a-${i}`,
      userId: `u-${i}`,
      properties: { service_line: 'cardiology', clinic_id: 'n7', email: `p${i}@example.com`, reason: 'x', price: 120 },
      context: {
        userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.0.0 Safari/537.36',
        page: { url: `https://clinic.example/a/${i}12345?utm_source=g&e=x`, referrer: 'https://www.google.com/search?q=x' },
      },
    }),
  );
  const run = (list, seconds) => {
    let n = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      for (const m of messages) {
        for (const d of list) {
          const r = relay.transform(m, d.config, d.ctx);
          if ('event' in r) relay.vendorPayload({ v: 1, env: 'production', key: m.event, masked: ['email'], screened: true, event: r.event }, d.active);
        }
      }
      n += messages.length;
    }
    return n / seconds;
  };
  run(destinations, 0.5);
  return { transformsPerSec: run([destinations[0]], 2), eventsPerSecBoth: run(destinations, 2) };
}
