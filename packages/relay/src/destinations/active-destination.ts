/** A configured destination ready to use: its connector, resolved settings and masking functions. */
import type { DestinationConfig, PalisadeConfig } from '@palisade/schema';
import { createEventIdMask, createMask, deriveDestinationKey, type MaskFn } from '../pipeline/hmac-mask.js';
import type { Connector } from './connector.js';
import { connectors } from './registry.js';

export interface ActiveDestination {
  config: DestinationConfig;
  connector: Connector<any, any>;
  settings: Record<string, unknown>;
  mask: MaskFn;
  eventId: (messageId: string) => string;
}

export function activateDestinations(
  config: PalisadeConfig,
  maskingKey: Buffer,
  resolvedSettings: Record<string, Record<string, unknown>>,
): ActiveDestination[] {
  return config.destinations.filter((d) => d.enabled).map((d) => {
    const key = config.masking.perDestination ? deriveDestinationKey(maskingKey, d.id) : maskingKey;
    return {
      config: d,
      connector: connectors[d.type],
      settings: resolvedSettings[d.id] ?? {},
      mask: createMask(config.masking.keyId, key),
      eventId: createEventIdMask(key),
    };
  });
}
