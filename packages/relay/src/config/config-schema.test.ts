import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { problemsFrom } from '@palisade/schema';
import { configJsonSchema, configSchema } from './config-schema.js';
import { parseConfigText } from './load-config.js';

function base(): Record<string, any> {
  return {
    environments: {
      production: { writeKey: 'pk_live_0123456789', allowedOrigins: ['https://clinic.example'] },
      development: { writeKey: 'pk_dev_0123456789' },
    },
    masking: { key: 'env:PALISADE_MASKING_KEY' },
    destinations: [
      {
        id: 'ga4-main',
        type: 'ga4',
        settings: { measurementId: 'G-ABC123DEF4', apiSecret: 'env:GA4_API_SECRET' },
        allow: { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow', email: 'mask' } } },
      },
      { id: 'hook', type: 'webhook', settings: { url: 'https://hooks.example/p', secret: 'file:/run/secrets/hook' } },
    ],
  };
}

function problems(input: unknown): string[] {
  const r = configSchema.safeParse(input);
  return r.success ? [] : problemsFrom(r.error).map((p) => `${p.path}: ${p.message}`);
}

describe('config schema', () => {
  it('accepts a complete config and fills safe defaults', () => {
    const r = configSchema.parse(base());
    const ga4 = r.destinations[0]!;
    expect(ga4.hipaa.enabled).toBe(true);
    expect(ga4.connection).toBe('server');
    expect(ga4.consent).toBe('analytics');
    expect(ga4.allow.production!.pageTitle).toBe(false);
    expect(r.masking.perDestination).toBe(true);
    expect(r.privacy.keepQueryParams).toEqual(['utm_source', 'utm_medium', 'utm_campaign']);
  });

  it('refuses click ids in page URLs, and identifier opt-ins a vendor cannot use or without advertising consent', () => {
    const c = base();
    c.privacy = { keepQueryParams: ['utm_source', 'GCLID', 'fbclid'] };
    expect(problems(c)).toEqual([
      "privacy.keepQueryParams[1]: GCLID is an ad click id: it may leave only under a patient authorization (destinations' identifiers.clickIds), never in page URLs",
      "privacy.keepQueryParams[2]: fbclid is an ad click id: it may leave only under a patient authorization (destinations' identifiers.clickIds), never in page URLs",
    ]);
    const ga4 = base();
    ga4.destinations[0].identifiers = { clickIds: 'with-authorization' };
    expect(parseConfigText(JSON.stringify(ga4))).toEqual({
      ok: false,
      problems: [{ path: 'destinations[0].identifiers.clickIds', message: 'Google Analytics 4 (Measurement Protocol) takes no click ids; remove this opt-in' }],
    });
    const meta = base();
    meta.destinations.push({ id: 'meta', type: 'meta', consent: 'analytics', settings: { pixelId: '1234567890', accessToken: 'env:META_TOKEN' } });
    expect(parseConfigText(JSON.stringify(meta))).toMatchObject({
      ok: false,
      problems: [{ path: 'destinations[2].consent', message: expect.stringContaining('use consent: advertising') }],
    });
  });

  it('refuses inline secrets with the path of the field', () => {
    const c = base();
    c.destinations[1].settings.secret = 'whsec_live_abc';
    c.destinations[0].settings.apiSecret = 'abc123';
    c.masking.key = 'c2VjcmV0LWtleQ==';
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        'destinations[0].settings.apiSecret: inline secrets are not allowed; use env:NAME',
        'destinations[1].settings.secret: inline secrets are not allowed; use env:NAME',
        'masking.key: inline secrets are not allowed; use env:NAME',
      ]),
    );
  });

  it('refuses HIPAA mode with a client-side connection', () => {
    const c = base();
    c.destinations[0].connection = 'client';
    expect(problems(c)).toContain('destinations[0].connection: HIPAA mode cannot be used with a client-side connection; use connection: server');
  });

  it('refuses HIPAA mode off without a recorded BAA, accepts it with one', () => {
    const c = base();
    c.destinations[0].hipaa = { enabled: false };
    expect(problems(c)).toContain('destinations[0].hipaa.enabled: HIPAA mode can only be turned off when a BAA is recorded (hipaa.baa.signed: true)');
    c.destinations[0].hipaa = { enabled: false, baa: { signed: true, signedOn: '2026-01-31', reference: 'BAA-7' } };
    expect(problems(c)).toEqual([]);
  });

  it('refuses unknown keys at any depth', () => {
    const c = base();
    c.destinations[0].settings.measurmentId = 'typo';
    c.colour = 'blue';
    expect(problems(c)).toEqual(expect.arrayContaining(['destinations[0].settings.measurmentId: unknown key', 'colour: unknown key']));
  });

  it('refuses duplicate destination ids and allowlists for unknown environments', () => {
    const c = base();
    c.destinations[1].id = 'ga4-main';
    c.destinations[0].allow.staging = { events: [] };
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        'destinations[1].id: duplicate destination id ga4-main',
        'destinations[0].allow.staging: unknown environment staging; known: production, development',
      ]),
    );
  });

  it('refuses duplicate write keys, bad origins and prototype-polluting property paths', () => {
    const c = base();
    c.environments.development.writeKey = 'pk_live_0123456789';
    c.environments.production.allowedOrigins = ['https://clinic.example/path'];
    c.destinations[0].allow.production.eventProperties = { '__proto__.polluted': 'allow' };
    const p = problems(c);
    expect(p).toContain('environments.development.writeKey: write key already used by environment production');
    expect(p.some((l) => l.startsWith('environments.production.allowedOrigins[0]: must be an origin'))).toBe(true);
    expect(p.some((l) => l.startsWith('destinations[0].allow.production.eventProperties.__proto__.polluted'))).toBe(true);
  });

  it('exports a JSON Schema that a validator accepts the demo config and the README examples with', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(configJsonSchema());
    const root = new URL('../../../../', import.meta.url);
    const demo = parseYaml(readFileSync(new URL('demo-site/palisade.config.yaml', root), 'utf8'));
    expect(validate(demo), JSON.stringify(validate.errors)).toBe(true);
    // Every YAML block of the README that is a whole config (it has environments) validates too.
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as Record<string, unknown>).filter((c) => c && 'environments' in c);
    for (const example of examples) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    // And it refuses what the schema refuses: an unknown key, an inline secret is a string so only the shape is checked.
    expect(validate({ ...demo, surprise: 1 })).toBe(false);
    expect(validate({ ...demo, privacy: { maxValueLength: 'long' } })).toBe(false);
  });

  it('refuses a mapping that names a property the allowlist does not admit', () => {
    const c = base();
    c.destinations[0].mapping = { properties: { service_line: 'item_category', diagnosis: 'dx' }, events: { 'Appointment Booked': 'generate_lead' } };
    expect(problems(c)).toEqual(["destinations[0].mapping.properties.diagnosis: diagnosis is not in this destination's allowlist; a mapping can only rename allowed properties"]);
  });

  it('resolves only the settings a connector declares secret', async () => {
    const { resolveSecrets } = await import('./load-config.js');
    const c = configSchema.parse(base());
    // A measurement id that happens to look like a reference is a value, not a secret.
    (c.destinations[0]!.settings as Record<string, unknown>).endpoint = 'env:NOT_A_SECRET';
    const r = resolveSecrets(c as never, { PALISADE_MASKING_KEY: Buffer.alloc(32, 1).toString('base64url'), GA4_API_SECRET: 'ga4s', NOT_A_SECRET: 'x' });
    expect(r.settings['ga4-main']).toMatchObject({ apiSecret: 'ga4s', endpoint: 'env:NOT_A_SECRET' });
    expect(r.problems.map((p) => p.path)).toEqual(['destinations[1].settings.secret']);
  });
});
