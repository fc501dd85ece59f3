/**
 * The config schema with the registered destination types: `@palisade/schema` holds everything
 * that does not depend on a vendor, and each connector brings its settings schema.
 */
import { buildConfigSchema, buildDestinationSchema, jsonSchemaOf, type PalisadeConfig } from '@palisade/schema';
import { settingsSchemas } from '../destinations/registry.js';

export const configSchema = buildConfigSchema(settingsSchemas());
export const destinationSchema = buildDestinationSchema(settingsSchemas());

/** JSON Schema (draft 2020-12) of the config file, for editors and CI (`palisade config schema`). */
export function configJsonSchema(): Record<string, unknown> {
  return jsonSchemaOf(configSchema);
}

/** Parses a config (throws on a bad one): the typed config every part of the relay uses. */
export function parseConfig(input: unknown): PalisadeConfig {
  return configSchema.parse(input) as PalisadeConfig;
}
