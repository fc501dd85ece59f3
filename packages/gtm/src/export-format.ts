/**
 * The GTM container export, format version 2, as the UI (`PAGEVIEW`, `TEMPLATE`, `EQUALS`) and
 * the Tag Manager API (`pageview`, `template`, `equals`) write it. Validated with zod, then every
 * enum is normalized to the API's camelCase so the rest of the importer reads one vocabulary.
 *
 * Unknown fields are kept out of the parsed value (zod strips them): the export holds far more
 * than an importer needs (fingerprints, account ids, monitoring metadata).
 */
import { z } from 'zod';

/** A tag, trigger or variable parameter: a value, a list or a map of further parameters. */
export interface Parameter {
  type?: string;
  key?: string;
  value?: string;
  list?: Parameter[];
  map?: Parameter[];
}

const MAX_TEXT = 200_000; // a custom HTML tag can be long; nothing legitimate is longer

const parameterSchema: z.ZodType<Parameter> = z.lazy(() =>
  z.object({
    type: z.string().max(64).optional(),
    key: z.string().max(500).optional(),
    value: z
      .union([z.string().max(MAX_TEXT), z.number(), z.boolean()])
      .transform(String)
      .optional(),
    list: z.array(parameterSchema).max(5000).optional(),
    map: z.array(parameterSchema).max(5000).optional(),
  }),
);

const conditionSchema = z.object({ type: z.string().max(64), parameter: z.array(parameterSchema).max(10).default([]) });
export type Condition = z.output<typeof conditionSchema>;

const idSchema = z.union([z.string().max(64), z.number()]).transform(String);
const idList = z.array(idSchema).max(1000).default([]);
const nameSchema = z.string().max(500);

const tagSchema = z.object({
  tagId: idSchema.optional(),
  name: nameSchema,
  type: z.string().max(200),
  parameter: z.array(parameterSchema).max(5000).default([]),
  firingTriggerId: idList,
  blockingTriggerId: idList,
  paused: z.boolean().optional(),
  tagFiringOption: z.string().max(64).optional(),
  consentSettings: z.object({ consentStatus: z.string().max(64).optional(), consentType: parameterSchema.optional() }).optional(),
  setupTag: z
    .array(z.object({ tagName: nameSchema.optional() }))
    .max(100)
    .optional(),
  teardownTag: z
    .array(z.object({ tagName: nameSchema.optional() }))
    .max(100)
    .optional(),
});
export type Tag = z.output<typeof tagSchema>;

const triggerSchema = z.object({
  triggerId: idSchema,
  name: nameSchema,
  type: z.string().max(64),
  filter: z.array(conditionSchema).max(100).default([]),
  autoEventFilter: z.array(conditionSchema).max(100).default([]),
  customEventFilter: z.array(conditionSchema).max(100).default([]),
  parameter: z.array(parameterSchema).max(1000).default([]),
});
export type Trigger = z.output<typeof triggerSchema>;

const variableSchema = z.object({
  variableId: idSchema.optional(),
  name: nameSchema,
  type: z.string().max(200),
  parameter: z.array(parameterSchema).max(5000).default([]),
});
export type Variable = z.output<typeof variableSchema>;

const builtInSchema = z.object({ type: z.string().max(64), name: nameSchema });

const customTemplateSchema = z.object({
  templateId: idSchema.optional(),
  name: nameSchema.optional(),
  galleryReference: z.object({ galleryTemplateId: z.string().max(64).optional() }).optional(),
});

export const exportSchema = z.object({
  exportFormatVersion: z.number(),
  exportTime: z.string().max(64).optional(),
  containerVersion: z.object({
    containerVersionId: idSchema.optional(),
    name: nameSchema.optional(),
    container: z
      .object({ publicId: z.string().max(64).optional(), name: nameSchema.optional(), usageContext: z.array(z.string().max(32)).max(10).default([]) })
      .default({ usageContext: [] }),
    tag: z.array(tagSchema).max(5000).default([]),
    trigger: z.array(triggerSchema).max(5000).default([]),
    variable: z.array(variableSchema).max(5000).default([]),
    builtInVariable: z.array(builtInSchema).max(1000).default([]),
    customTemplate: z.array(customTemplateSchema).max(1000).default([]),
    client: z.array(z.unknown()).optional(),
  }),
});
export type ContainerExport = z.output<typeof exportSchema>;

/**
 * `PAGEVIEW` -> `pageview`, `CUSTOM_EVENT` -> `customEvent`, `ONCE_PER_EVENT` -> `oncePerEvent`;
 * API-style names are returned as they are. Only whole upper-case words are converted, so tag
 * and variable type codes (`gaawe`, `cvt_5TP8W`) pass through.
 */
export function normalizeEnum(value: string): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(value)) return value;
  const [first, ...rest] = value.toLowerCase().split('_');
  return first + rest.map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : '')).join('');
}

function normalizeParameter(p: Parameter): Parameter {
  return {
    ...p,
    ...(p.type === undefined ? {} : { type: normalizeEnum(p.type) }),
    ...(p.list ? { list: p.list.map(normalizeParameter) } : {}),
    ...(p.map ? { map: p.map.map(normalizeParameter) } : {}),
  };
}

const normalizeCondition = (c: Condition): Condition => ({ type: normalizeEnum(c.type), parameter: c.parameter.map(normalizeParameter) });

/** One vocabulary for both casings: every enum in the API's camelCase. */
export function normalizeExport(value: ContainerExport): ContainerExport {
  const v = value.containerVersion;
  return {
    ...value,
    containerVersion: {
      ...v,
      container: { ...v.container, usageContext: v.container.usageContext.map((u) => u.toUpperCase()) },
      tag: v.tag.map((t) => ({
        ...t,
        parameter: t.parameter.map(normalizeParameter),
        ...(t.tagFiringOption === undefined ? {} : { tagFiringOption: normalizeEnum(t.tagFiringOption) }),
        ...(t.consentSettings === undefined
          ? {}
          : {
              consentSettings: {
                ...(t.consentSettings.consentStatus === undefined ? {} : { consentStatus: normalizeEnum(t.consentSettings.consentStatus) }),
                ...(t.consentSettings.consentType === undefined ? {} : { consentType: normalizeParameter(t.consentSettings.consentType) }),
              },
            }),
      })),
      trigger: v.trigger.map((t) => ({
        ...t,
        type: normalizeEnum(t.type),
        filter: t.filter.map(normalizeCondition),
        autoEventFilter: t.autoEventFilter.map(normalizeCondition),
        customEventFilter: t.customEventFilter.map(normalizeCondition),
        parameter: t.parameter.map(normalizeParameter),
      })),
      variable: v.variable.map((x) => ({ ...x, parameter: x.parameter.map(normalizeParameter) })),
      builtInVariable: v.builtInVariable.map((b) => ({ ...b, type: normalizeEnum(b.type) })),
    },
  };
}
