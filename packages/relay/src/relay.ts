/**
 * Wires a relay together: store, destinations, delivery workers and the ingest listener.
 * The masking key lives only in this process's memory, inside the mask closures.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PalisadeConfig } from '@palisade/schema';
import { activateDestinations } from './destinations/active-destination.js';
import { DeliveryWorker } from './delivery/worker.js';
import type { Send } from './delivery/http-send.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { loadSdkAsset } from './sdk-asset.js';
import { buildIngestServer, ingestState, type IngestState } from './server.js';
import { WorkerStore } from './store/worker-store.js';
import type { Store } from './store/store.js';

export interface RelayOptions {
  config: PalisadeConfig;
  maskingKey: Buffer;
  /** Destination settings with secrets resolved, by destination id. */
  settings: Record<string, Record<string, unknown>>;
  dataKey: Buffer;
  dataDir: string;
  host?: string;
  port?: number;
  logger?: Logger;
  /** Delivery poll interval; rows committed by this process wake workers at once anyway. */
  pollMs?: number;
  send?: Send;
  /** Compiled store-thread entry, for tests that run from sources. */
  storeEntry?: URL;
  /** The built browser SDK (packages/sdk/dist/palisade.js), served at /palisade.js. */
  sdkFile?: string;
  /** A website to serve from the public listener (the demo clinic). */
  siteDir?: string;
}

export interface Relay {
  url: string;
  app: FastifyInstance;
  store: Store;
  stop(): Promise<void>;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, 'palisade.db');
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const logger = options.logger ?? createLogger();
  const store = await WorkerStore.open({ path: databasePath(options.dataDir), dataKey: options.dataKey, ...(options.storeEntry ? { entry: options.storeEntry } : {}) });
  const metrics = createMetrics(store);
  const state: IngestState = ingestState(options.config, activateDestinations(options.config, options.maskingKey, options.settings));
  const workers = new Map(
    state.destinations.map((d) => [
      d.config.id,
      new DeliveryWorker({
        destination: d.config,
        connector: d.connector,
        settings: d.settings,
        store,
        log: logger,
        metrics,
        backoff: { baseMs: d.config.delivery.retryBaseMs, maxMs: d.config.delivery.retryMaxMs },
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
        ...(options.send === undefined ? {} : { send: options.send }),
      }),
    ]),
  );
  const app = await buildIngestServer({
    state: () => state,
    store,
    metrics,
    logger,
    ...(options.sdkFile ? { sdk: loadSdkAsset(options.sdkFile, state.config.browser) } : {}),
    ...(options.siteDir ? { siteDir: options.siteDir } : {}),
    onCommitted: (ids) => {
      for (const id of ids) workers.get(id)?.wake();
    },
  });
  let address: string;
  try {
    address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8787 });
  } catch (error) {
    // A taken port must not leave the store thread running.
    await store.close();
    throw error;
  }
  for (const w of workers.values()) w.start();
  logger.info({ destinations: [...workers.keys()], environments: Object.keys(options.config.environments) }, 'relay started');
  return {
    url: address,
    app,
    store,
    async stop() {
      await app.close();
      await Promise.all([...workers.values()].map((w) => w.stop()));
      await store.close();
    },
  };
}
