/** A configured destination ready to use: its connector, resolved settings, masking and mapping. */
import type { DestinationConfig, PalisadeConfig } from '@palisade/schema';
import { createEventIdMask, createMask, deriveDestinationKey, type MaskFn } from '../pipeline/hmac-mask.js';
import type { Connector } from './connector.js';
import { mergeMapping, type Mapping } from './mapping.js';
import { connectorFor } from './registry.js';

export interface ActiveDestination {
  config: DestinationConfig;
  connector: Connector;
  /** Settings with secrets resolved, as the connector's settings schema produced them. */
  settings: Record<string, unknown>;
  mask: MaskFn;
  eventId: (messageId: string) => string;
  /** The connector's default mapping under the destination's `mapping:` config. */
  mapping: Mapping;
}

export function activateDestination(
  config: PalisadeConfig,
  destination: DestinationConfig,
  maskingKey: Buffer,
  settings: Record<string, unknown>,
  connector: Connector = connectorFor(destination.type),
): ActiveDestination {
  const key = config.masking.perDestination ? deriveDestinationKey(maskingKey, destination.id) : maskingKey;
  return {
    config: destination,
    connector,
    settings,
    mask: createMask(config.masking.keyId, key),
    eventId: createEventIdMask(key),
    mapping: mergeMapping(connector.defaultMapping, destination.mapping),
  };
}

export function activateDestinations(config: PalisadeConfig, maskingKey: Buffer, resolvedSettings: Record<string, Record<string, unknown>>): ActiveDestination[] {
  return config.destinations.filter((d) => d.enabled).map((d) => activateDestination(config, d, maskingKey, resolvedSettings[d.id] ?? {}));
}
