/**
 * Prometheus metrics. Labels are destination ids, outcomes and reasons: never a property value.
 * Counters on the ingest path are tallied in plain maps and handed to prom-client when scraped:
 * prom-client hashes label sets on every increment, which costs more than the work it counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from './store/store.js';

export interface Tally<L extends string> {
  inc(labels: Record<L, string>, n?: number): void;
}

function tally<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Tally<L> {
  const counts = new Map<string, { labels: Record<L, string>; n: number }>();
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, n } of counts.values()) this.inc(labels, n);
    },
  });
  return {
    inc(labels, n = 1) {
      if (n === 0) return;
      const key = labelNames.map((l) => labels[l]).join('\u0000');
      const entry = counts.get(key);
      if (entry) entry.n += n;
      else counts.set(key, { labels: { ...labels }, n });
    },
  };
}

export interface RelayMetrics {
  registry: Registry;
  messages: Tally<'outcome'>;
  pipeline: Tally<'destination' | 'outcome' | 'reason'>;
  delivered: Tally<'destination' | 'outcome'>;
  requests: Tally<'destination' | 'status'>;
  requestSeconds: Histogram<'destination'>;
  cspReports: Tally<never>;
  refusedValues: Tally<'destination' | 'reason'>;
  sightingsLimited: Tally<never>;
}

export function createMetrics(store: Store): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'palisade_' });
  const metrics: RelayMetrics = {
    registry,
    messages: tally(registry, 'palisade_ingest_messages_total', 'Messages received, by outcome (accepted, rejected, duplicate: resent and acknowledged again)', ['outcome']),
    pipeline: tally(registry, 'palisade_pipeline_events_total', 'Pipeline results per destination (queued, dropped) with the drop reason', ['destination', 'outcome', 'reason']),
    delivered: tally(registry, 'palisade_delivery_events_total', 'Delivery results per destination (delivered, retried, dead_lettered)', ['destination', 'outcome']),
    requests: tally(registry, 'palisade_vendor_requests_total', 'Vendor requests by HTTP status (or network)', ['destination', 'status']),
    cspReports: tally(registry, 'palisade_csp_violations_total', 'Third-party requests blocked or reported by the Content-Security-Policy', []),
    refusedValues: tally(
      registry,
      'palisade_pipeline_values_refused_total',
      'Allowed property values not forwarded, per destination and reason (too long, looks like an email, ...)',
      ['destination', 'reason'],
    ),
    sightingsLimited: tally(registry, 'palisade_tracker_sightings_limited_total', 'Tracker sightings not recorded because their client sent too many', []),
    requestSeconds: new Histogram({
      name: 'palisade_vendor_request_seconds',
      help: 'Vendor request latency',
      labelNames: ['destination'],
      registers: [registry],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
  };
  // The store keeps these counts up to date as rows come and go: a scrape reads counters, it never
  // counts the outbox (a scan per scrape of a large backlog held up ingest on the store thread).
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
