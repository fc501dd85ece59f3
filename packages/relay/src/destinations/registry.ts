/**
 * Every destination type the relay knows: one line per connector. The config schema, `config
 * check`, the CLI, the contract suite and the test helpers all read this list; nothing else
 * names destination types.
 */
import type { z } from 'zod';
import type { Connector } from './connector.js';
import { ga4Connector } from './ga4/index.js';
import { googleAdsConnector } from './google-ads/index.js';
import { linkedinConnector } from './linkedin/index.js';
import { metaConnector } from './meta/index.js';
import { microsoftAdsConnector } from './microsoft-ads/index.js';
import { tiktokConnector } from './tiktok/index.js';
import { webhookConnector } from './webhook/index.js';

export const connectors: readonly Connector[] = [ga4Connector, metaConnector, googleAdsConnector, tiktokConnector, linkedinConnector, microsoftAdsConnector, webhookConnector];

export function connectorFor(type: string): Connector {
  const connector = connectors.find((c) => c.type === type);
  if (connector === undefined) throw new Error(`unknown destination type ${type}`);
  return connector;
}

/** Each type's settings schema, for the config schema. */
export function settingsSchemas(): Record<string, z.ZodObject> {
  return Object.fromEntries(connectors.map((c) => [c.type, c.settings]));
}
