/**
 * `palisade start`: the demo on one machine. Vendor sandbox on :8789, relay on :8787 with the
 * demo clinic's config, development keys generated into the data directory.
 */
import { fileURLToPath } from 'node:url';
import { startSandbox } from '@palisade/vendor-sandbox';
import type { PalisadeConfig } from '@palisade/schema';
import type { Env } from '@palisade/relay';
import { loadOrCreateDevKeys } from '../keys.js';
import { cliVersion } from '../version.js';
import { runRelay, type RunningRelay } from './relay.js';

export const DEMO_SITE = fileURLToPath(new URL('../../../../demo-site/', import.meta.url));
export const DEMO_CONFIG = `${DEMO_SITE}palisade.config.yaml`;
/** The ad platform secrets the demo config names (the e2e configs use the same names). */
export const DEMO_AD_SECRETS = [
  'META_ACCESS_TOKEN',
  'GOOGLE_ADS_DEVELOPER_TOKEN',
  'GOOGLE_ADS_CLIENT_SECRET',
  'GOOGLE_ADS_REFRESH_TOKEN',
  'TIKTOK_ACCESS_TOKEN',
  'LINKEDIN_ACCESS_TOKEN',
  'UET_ACCESS_TOKEN',
];
const DEMO_SANDBOX_ORIGIN = 'http://127.0.0.1:8789';

export interface StartOptions {
  dataDir: string;
  host: string;
  port: number;
  sandboxPort: number;
  env: Env;
  log: (line: string) => void;
}

/**
 * The demo config names the default ports; follow them when they move: destinations point at the
 * sandbox, and the development environment allows the demo site's own origin.
 */
function forPorts(config: PalisadeConfig, sandboxOrigin: string, relayPort: number): PalisadeConfig {
  const swap = (url: string) => (url.startsWith(DEMO_SANDBOX_ORIGIN) ? sandboxOrigin + url.slice(DEMO_SANDBOX_ORIGIN.length) : url);
  const environments = { ...config.environments };
  const dev = environments.development;
  if (dev) {
    const origins = [`http://127.0.0.1:${relayPort}`, `http://localhost:${relayPort}`];
    environments.development = { ...dev, allowedOrigins: [...new Set([...dev.allowedOrigins, ...origins])] };
  }
  return {
    ...config,
    environments,
    // Any setting that points at the sandbox follows it, whatever the destination's type.
    destinations: config.destinations.map((d) => ({
      ...d,
      settings: Object.fromEntries(Object.entries(d.settings).map(([k, v]) => [k, typeof v === 'string' ? swap(v) : v])),
    })),
  };
}

export async function runStart(options: StartOptions) {
  if (options.env.NODE_ENV === 'production') {
    options.log('palisade start is the local demo; use palisade relay --config FILE in production');
  }
  options.log(`Palisade ${cliVersion()}, the demo: a clinic website, its first-party relay and a vendor sandbox, on this machine only`);
  options.log('');
  const dev = loadOrCreateDevKeys(options.dataDir);
  options.env.GA4_API_SECRET ??= dev.ga4ApiSecret;
  options.env.WEBHOOK_SECRET ??= dev.webhookSecret;
  options.env.PALISADE_METRICS_TOKEN ??= dev.metricsToken;
  options.env.PALISADE_ADMIN_TOKEN ??= dev.adminToken;
  // The ad platforms' credentials in the demo config; the sandbox accepts exactly these.
  for (const name of DEMO_AD_SECRETS) options.env[name] ??= dev.sandboxAdToken;
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    port: options.sandboxPort,
    webhookSecrets: { demo: options.env.WEBHOOK_SECRET },
    ga4ApiSecrets: [options.env.GA4_API_SECRET],
    adTokens: DEMO_AD_SECRETS.map((name) => options.env[name]!),
  });
  let relay: RunningRelay;
  try {
    relay = await runRelay({
      configPath: DEMO_CONFIG,
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      env: options.env,
      log: options.log,
      adjustConfig: (c) => forPorts(c, sandbox.url.replace('localhost', '127.0.0.1'), options.port),
      siteDir: DEMO_SITE,
      // The patient portal's home is behind its sign-in form (any username and password).
      siteSignIn: { form: 'portal', pages: ['portal-home'] },
      // The sandbox page shows what the browser sent beside what each vendor received.
      observeAccepted: (accepted) =>
        sandbox.recorder.addSent(accepted.map((a) => ({ environment: a.environment, timestamp: a.timestamp, message: a.message as unknown as Record<string, unknown> }))),
    });
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  options.log('');
  options.log(`Demo clinic site   ${relay.url}/   (Palisade loads first on every page)`);
  options.log(`Palisade relay     ${relay.url}   (POST /v1/batch, /v1/track ...; GET /palisade.js)`);
  options.log(`Metrics            ${relay.url}/metrics   (Authorization: Bearer <metricsToken in ${options.dataDir}/dev-keys.json>)`);
  options.log(`Scanner            palisade scan ${relay.url}/ --relay-admin ${relay.url}   (PALISADE_ADMIN_TOKEN: adminToken in ${options.dataDir}/dev-keys.json)`);
  options.log(`Definitions        palisade definitions test FILE --relay ${relay.url}   (the same token)`);
  options.log(`Vendor sandbox     ${sandbox.url}   (what GA4, the ad platforms and the webhook received)`);
  options.log(`Config             ${DEMO_CONFIG}`);
  options.log(`Write key          development: pk_dev_demo_clinic`);
  options.log('');
  options.log(`Try: curl -s -u pk_dev_demo_clinic: -H 'content-type: application/json' \\`);
  options.log(`       -d '{"type":"track","event":"Appointment Booked","anonymousId":"a1","properties":{"service_line":"behavioral-health","email":"jane@example.com"}}' \\`);
  options.log(`       ${relay.url}/v1/track`);
  options.log(`then open ${sandbox.url}/`);
  return {
    relay,
    sandbox,
    async stop() {
      await relay.stop();
      await sandbox.stop();
    },
  };
}
