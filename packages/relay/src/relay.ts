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
import { checkSiteRoot } from './serve-site.js';
import { buildIngestServer, ingestState, type IngestState, type ServerLimits } from './server.js';
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
  /**
   * Files the site must never serve: the config file and key files (`file:` secrets). The data
   * directory is always among them. A key file or the data directory inside the site's root
   * stops the start.
   */
  secretFiles?: string[];
  /** The config file the relay runs with: never served, even when it sits in the site's root. */
  configFile?: string;
  /** Bearer token for /metrics on the public listener; without one /metrics is not served. */
  metricsToken?: string;
  limits?: Partial<ServerLimits>;
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
  if (options.siteDir) checkSiteRoot(options.siteDir, options.dataDir, options.secretFiles);
  const logger = options.logger ?? createLogger();
  const store = await WorkerStore.open({ path: databasePath(options.dataDir), dataKey: options.dataKey, ...(options.storeEntry ? { entry: options.storeEntry } : {}) });
  const metrics = createMetrics(store);
  const state: IngestState = ingestState(options.config, activateDestinations(options.config, options.maskingKey, options.settings));
  const workers = new Map(
    state.destinations.map((d) => [
      d.config.id,
      new DeliveryWorker({
        destination: d,
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
    ...(options.siteDir ? { site: { root: options.siteDir, hidden: [options.dataDir, ...(options.secretFiles ?? []), ...(options.configFile ? [options.configFile] : [])] } } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
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
