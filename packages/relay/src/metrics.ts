/** Prometheus metrics. Labels are destination ids, outcomes and reasons: never a property value. */
import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import type { Store } from './store/store.js';

export interface RelayMetrics {
  registry: Registry;
  messages: Counter<'outcome'>;
  pipeline: Counter<'destination' | 'outcome' | 'reason'>;
  delivered: Counter<'destination' | 'outcome'>;
  requests: Counter<'destination' | 'status'>;
  requestSeconds: Histogram<'destination'>;
}

export function createMetrics(store: Store): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'palisade_' });
  const metrics: RelayMetrics = {
    registry,
    messages: new Counter({ name: 'palisade_ingest_messages_total', help: 'Messages received, by outcome (accepted, rejected)', labelNames: ['outcome'], registers: [registry] }),
    pipeline: new Counter({ name: 'palisade_pipeline_events_total', help: 'Pipeline results per destination (queued, dropped) with the drop reason', labelNames: ['destination', 'outcome', 'reason'], registers: [registry] }),
    delivered: new Counter({ name: 'palisade_delivery_events_total', help: 'Delivery results per destination (delivered, retried, dead_lettered)', labelNames: ['destination', 'outcome'], registers: [registry] }),
    requests: new Counter({ name: 'palisade_vendor_requests_total', help: 'Vendor requests by HTTP status (or network)', labelNames: ['destination', 'status'], registers: [registry] }),
    requestSeconds: new Histogram({ name: 'palisade_vendor_request_seconds', help: 'Vendor request latency', labelNames: ['destination'], registers: [registry], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }),
  };
  new Gauge({
    name: 'palisade_outbox_events',
    help: 'Events waiting in the outbox, and in dead letters, per destination',
    labelNames: ['destination', 'queue'],
    registers: [registry],
    async collect() {
      this.reset();
      const stats = await store.stats();
      for (const [d, n] of Object.entries(stats.outbox)) this.set({ destination: d, queue: 'outbox' }, n);
      for (const [d, n] of Object.entries(stats.deadLetters)) this.set({ destination: d, queue: 'dead_letters' }, n);
    },
  });
  return metrics;
}
