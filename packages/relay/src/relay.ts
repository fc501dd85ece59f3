/**
 * Wires a relay together: store, destinations, delivery workers and the ingest listener.
 * The masking key lives only in this process's memory, inside the mask closures.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PalisadeConfig } from '@palisade/schema';
import { activateDestinations } from './destinations/active-destination.js';
import { DeliveryWorker } from './delivery/worker.js';
import { httpSend, type Send } from './delivery/http-send.js';
import { ForwardedLog } from './delivery/forwarded-log.js';
import { RecentAutotrack } from './ingest/recent-autotrack.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { loadSdkAsset } from './sdk-asset.js';
import { checkSiteRoot, type SiteSignIn } from './serve-site.js';
import { buildIngestServer, ingestState, type IngestServerOptions, type IngestState, type ServerLimits } from './server.js';
import { WorkerStore } from './store/worker-store.js';
import type { Store } from './store/store.js';

/** `trustProxy` and `observeAccepted` are the ingest server's options, passed through. */
export interface RelayOptions extends Pick<IngestServerOptions, 'trustProxy' | 'observeAccepted'> {
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
  /** Pages of the site behind a sign-in (the demo's patient portal). */
  siteSignIn?: SiteSignIn;
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
  /**
   * Bearer token for /admin/forwarded (what was sent to each destination lately); without one
   * the route is not served and nothing is kept.
   */
  adminToken?: string;
  limits?: Partial<ServerLimits>;
  /** SHA-256 of the config file's bytes, recorded as the first config version. */
  configSha256?: string;
}

/** A validated config with its secrets resolved, ready to replace the running one. */
export interface LoadedConfig {
  config: PalisadeConfig;
  maskingKey: Buffer;
  settings: Record<string, Record<string, unknown>>;
  /** SHA-256 of the config file's bytes. */
  sha256: string;
}

export interface Relay {
  url: string;
  app: FastifyInstance;
  store: Store;
  /**
   * Runs with a new config: destinations are activated again and queued rows are delivered under
   * it; requests already in flight finish under the old one. Recorded as a config version.
   * Listener settings (host, port, site, metrics token) need a restart.
   */
  reload(next: LoadedConfig, source: string): Promise<void>;
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
  const forwarded = options.adminToken ? new ForwardedLog() : undefined;
  const sendFor = (id: string) => {
    const send = options.send ?? httpSend;
    return forwarded ? { send: forwarded.wrap(id, send) } : options.send === undefined ? {} : { send };
  };
  let state: IngestState = ingestState(options.config, activateDestinations(options.config, options.maskingKey, options.settings));
  const workersFor = (current: IngestState) =>
    new Map(
      current.destinations.map((d) => [
        d.config.id,
        new DeliveryWorker({
          destination: d,
          store,
          log: logger,
          metrics,
          backoff: { baseMs: d.config.delivery.retryBaseMs, maxMs: d.config.delivery.retryMaxMs },
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
          ...sendFor(d.config.id),
        }),
      ]),
    );
  let workers = workersFor(state);
  const app = await buildIngestServer({
    state: () => state,
    store,
    metrics,
    logger,
    ...(options.sdkFile ? { sdk: loadSdkAsset(options.sdkFile, state.config.browser) } : {}),
    ...(options.siteDir
      ? {
          site: {
            root: options.siteDir,
            hidden: [options.dataDir, ...(options.secretFiles ?? []), ...(options.configFile ? [options.configFile] : [])],
            ...(options.siteSignIn ? { signIn: options.siteSignIn } : {}),
          },
        }
      : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    ...(forwarded && options.adminToken ? { admin: { token: options.adminToken, forwarded, autotrack: new RecentAutotrack() } } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.observeAccepted ? { observeAccepted: options.observeAccepted } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
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
  const recordVersion = (source: string, sha256: string, destinations: string[]) => store.recordConfigVersion({ loadedAt: Date.now(), source, sha256, destinations });
  await recordVersion('start', options.configSha256 ?? '', [...workers.keys()]);
  logger.info({ destinations: [...workers.keys()], environments: Object.keys(options.config.environments) }, 'relay started');
  // One reload at a time: a second waits for the first; stop() waits for the one under way.
  let reloading: Promise<void> = Promise.resolve();
  let stopped = false;
  return {
    url: address,
    app,
    store,
    reload(next, source) {
      // Reloads run one after another; one that failed does not stop the next.
      const run = reloading
        .catch(() => undefined)
        .then(async () => {
          if (stopped) throw new Error('the relay is stopping');
          const nextState = ingestState(next.config, activateDestinations(next.config, next.maskingKey, next.settings));
          // Ingest switches at once. The old workers stop between batches (what they hold is
          // released) before the new ones start, so no row is sent by both; the new ones start
          // whatever happens to the old ones, so delivery never stays halted.
          state = nextState;
          const old = workers;
          workers = workersFor(nextState);
          try {
            await Promise.all([...old.values()].map((w) => w.stop()));
          } finally {
            for (const w of workers.values()) w.start();
          }
          await recordVersion(source, next.sha256, [...workers.keys()]);
          logger.info({ source, destinations: [...workers.keys()], environments: Object.keys(next.config.environments) }, 'config reloaded');
        });
      reloading = run;
      return run;
    },
    async stop() {
      stopped = true;
      await reloading.catch(() => undefined);
      await app.close();
      await Promise.all([...workers.values()].map((w) => w.stop()));
      await store.close();
    },
  };
}
