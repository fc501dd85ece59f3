import type { DestinationType } from '@palisade/schema';
import type { Connector } from './connector.js';
import { ga4Connector } from './ga4/index.js';
import { webhookConnector } from './webhook/index.js';

/** One entry per destination type; the config schema lists the same types. */
export const connectors: Record<DestinationType, Connector<any, any>> = {
  ga4: ga4Connector,
  webhook: webhookConnector,
};
