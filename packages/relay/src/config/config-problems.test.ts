import { describe, expect, it } from 'vitest';
import { closest } from './config-problems.js';
import { parseConfigText } from './load-config.js';

const problems = (yaml: string) => {
  const result = parseConfigText(yaml);
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('config problems', () => {
  it('reports every problem in one pass, in plain words, with suggestions for misspelt keys and types', () => {
    expect(
      problems(`
environments:
  production: { writeKey: pk_live_0123456789, allowedOrigin: [https://x.example] }
masking: { key: env:PALISADE_MASKING_KEY }
destinatons: []
destinations:
  - id: ga
    type: ga5
    settings: { measurementId: G-ABC12345 }
    colour: blue
    hipaa: yes
  - id: hook
    type: webhook
    settings: { url: 12, secret: env:X }
    allow: { production: { events: 5 } }
`).sort(),
    ).toEqual(
      [
        'environments.production.allowedOrigin: unknown key; did you mean allowedOrigins?',
        'destinations[0].type: unknown destination type "ga5"; did you mean ga4? (known: ga4, meta, google-ads, tiktok, linkedin, microsoft-ads, webhook)',
        // A bad type does not hide the rest of its destination.
        'destinations[0].colour: unknown key',
        'destinations[0].hipaa: must be a map of keys and values, not text',
        'destinations[1].allow.production.events: must be a list, not a number',
        'destinations[1].settings.url: must be text, not a number',
        'destinatons: unknown key; did you mean destinations?',
      ].sort(),
    );
  });

  it('says what a missing type may be', () => {
    expect(problems('environments: { production: { writeKey: pk_live_0123456789 } }\nmasking: { key: env:K }\ndestinations: [{ id: x, settings: {} }]')).toContain(
      'destinations[0].type: is required: one of ga4, meta, google-ads, tiktok, linkedin, microsoft-ads, webhook',
    );
  });

  it('suggests only close words', () => {
    expect(closest('webhok', ['ga4', 'webhook'])).toBe('webhook');
    expect(closest('mixpanel', ['ga4', 'webhook'])).toBeUndefined();
    expect(closest('x'.repeat(10_000), ['ga4'])).toBeUndefined();
  });
});
