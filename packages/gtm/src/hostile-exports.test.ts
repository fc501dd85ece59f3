/** Exports built to make the importer leak, fail open, inject or stall: each from a review. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configYaml } from './config-yaml.js';
import { readCustomHtml } from './custom-html.js';
import { importContainer } from './import-container.js';
import { GtmImportError, readExport } from './read-export.js';
import { reportHtml, reportMarkdown } from './report-text.js';

const RIVERBEND = readFileSync(new URL('../../../examples/gtm/riverbend-container.json', import.meta.url), 'utf8');
const OPTIONS = { writeKey: 'pk_live_test_0123456789', origins: ['https://www.riverbend.example'] };
const t = (key: string, value: string) => ({ type: 'TEMPLATE', key, value });
const edited = (edit: (v: Record<string, any>) => void) => {
  const container = JSON.parse(RIVERBEND);
  edit(container.containerVersion);
  return importContainer(readExport(JSON.stringify(container)), OPTIONS);
};
const everything = (r: ReturnType<typeof importContainer>) => JSON.stringify(r) + reportMarkdown(r.report) + reportHtml(r.report) + configYaml(r);

describe('secrets and health topics in constants', () => {
  it('are never copied into the config, the reports or the JSON', () => {
    const r = edited((v) => {
      v.variable.push({ name: 'Const - CAPI token', type: 'c', parameter: [t('value', 'EAAGm0PX4ZCpsBAKZAsecretTOKEN1234')] });
      const rows = v.tag.find((x: { name: string }) => x.name === 'GA4 - Appointment booked').parameter.find((p: { key: string }) => p.key === 'eventSettingsTable').list;
      const row = (a: string, b: string) => ({ type: 'MAP', map: [t('parameter', a), t('parameterValue', b)] });
      rows.push(
        row('access_token', '{{Const - CAPI token}}'),
        row('api_key', 'sk_live_51HxSECRETsecret'),
        row('auth', 'Bearer 8f3kQ2mZpL'),
        row('content_name', 'Oncology consult'),
        row('note', 'EAAGsecret:{{DL - value}}'),
      );
    });
    const text = everything(r);
    for (const secret of ['EAAGm0PX', 'sk_live_51', '8f3kQ2mZpL', 'EAAGsecret']) expect(text.includes(secret), secret).toBe(false);
    // A health topic in a constant is the container's wording, shown to the marketer, never sent.
    expect(JSON.stringify(r.config).includes('Oncology')).toBe(false);
    const dropped = r.report.parameters.filter((p) => ['access_token', 'api_key', 'auth', 'content_name', 'note'].includes(p.parameter));
    expect(dropped.map((p) => p.verdict)).toEqual(['drop', 'drop', 'drop', 'drop', 'drop']);
    expect(dropped.find((p) => p.parameter === 'note')!.from).toBe('{{DL - value}}');
  });
});

describe('fail closed', () => {
  it('a blocking trigger the relay cannot evaluate holds the firing trigger back, never drops the block', () => {
    const r = edited((v) => {
      const block = v.trigger.find((x: { name: string }) => x.name === 'Block - Patient portal');
      block.filter = [{ type: 'MATCH_REGEX', parameter: [t('arg0', '{{Page Path}}'), t('arg1', '^/(portal|patient-account)/')] }];
    });
    const definitions = r.config.definitions as Array<{ name: string; unless?: unknown[] }>;
    expect(definitions.find((d) => d.name === 'Meta Pixel - Base')).toBeUndefined();
    expect(definitions.find((d) => d.name === 'GA4 - Book appointment click')).toBeUndefined();
    expect(r.report.tags.find((x) => x.tag === 'Meta Pixel - Base')!.status).toBe('review');
  });

  it('an event name from a lookup table on triggers with filters goes to review instead of losing them', () => {
    const r = edited((v) => {
      const trigger = v.trigger.find((x: { name: string }) => x.name === 'CE - appointment_booked');
      trigger.filter = [{ type: 'STARTS_WITH', parameter: [t('arg0', '{{Page Path}}'), t('arg1', '/portal'), { type: 'BOOLEAN', key: 'negate', value: 'true' }] }];
    });
    expect(r.report.tags.find((x) => x.tag === 'GA4 - Appointment booked')!.status).toBe('review');
    const ga4 = (r.config.destinations as Array<Record<string, any>>).find((d) => d.id === 'ga4')!;
    expect(ga4.allow.production.events).not.toContain('dataLayer:appointment_booked');
  });
});

describe('what a name or id in the export cannot do', () => {
  it('a version id with line breaks does not leave the YAML comment', () => {
    const container = JSON.parse(RIVERBEND);
    container.containerVersion.containerVersionId = '7)\nprivacy: {keepQueryParams: [patient, dob, reason]}\n#';
    const result = importContainer(readExport(JSON.stringify(container)), OPTIONS);
    const config = parse(configYaml(result));
    expect(config).not.toHaveProperty('privacy');
    expect(configYaml(result)).toMatch(/^# Imported from GTM container GTM-K7PX2QD \(version unknown\)/);
  });

  it('two tags whose names normalize alike get two definition names', () => {
    const r = edited((v) => {
      const ga4 = v.tag.find((x: { name: string }) => x.name === 'GA4 - Book appointment click');
      v.tag.push({ ...ga4, tagId: '99', name: 'Meta Pixel: Base', firingTriggerId: ['2147479553'], blockingTriggerId: [] });
    });
    const names = (r.config.definitions as Array<{ name: string }>).map((d) => d.name);
    expect(names).toContain('Meta Pixel - Base');
    expect(names).toContain('Meta Pixel - Base (2)');
    const meta = (r.config.destinations as Array<Record<string, any>>).find((d) => d.id === 'meta')!;
    expect(meta.allow.production.events).not.toContain('Meta Pixel - Base (2)');
  });

  it('prototype keys as tag, event or data layer names reach no prototype', () => {
    const r = edited((v) => {
      v.tag.push({ name: '__proto__', type: 'gaawe', parameter: [t('eventName', 'x'), t('measurementIdOverride', 'G-8Q1ZT4RM2C')], firingTriggerId: ['21'] });
      v.trigger.push({
        triggerId: '78',
        name: 'Proto event',
        type: 'CUSTOM_EVENT',
        customEventFilter: [{ type: 'EQUALS', parameter: [t('arg0', '{{_event}}'), t('arg1', '__proto__')] }],
      });
      v.variable.push({ name: 'DL - proto', type: 'v', parameter: [t('name', '__proto__.polluted')] });
      v.tag.push({
        name: 'Proto tag',
        type: 'gaawe',
        parameter: [
          t('eventName', 'y'),
          t('measurementIdOverride', 'G-8Q1ZT4RM2C'),
          { type: 'LIST', key: 'eventSettingsTable', list: [{ type: 'MAP', map: [t('parameter', 'p'), t('parameterValue', '{{DL - proto}}')] }] },
        ],
        firingTriggerId: ['23'],
      });
    });
    const ga4 = (r.config.destinations as Array<Record<string, any>>).find((d) => d.id === 'ga4')!;
    expect(Object.getPrototypeOf(ga4.mapping.events)).toBe(Object.prototype);
    expect(ga4.mapping.events['__proto__ tag']).toBe('x');
    expect(JSON.stringify(r.config)).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('type names that are object keys are only names', () => {
    const r = edited((v) => {
      v.tag.push({ name: 'Odd tag', type: 'constructor', parameter: [], firingTriggerId: ['2147479553'] });
      v.trigger.push({ triggerId: '77', name: 'Odd trigger', type: 'toString' });
      v.tag.push({ name: 'Odd tag 2', type: 'gaawe', parameter: [t('eventName', 'odd')], firingTriggerId: ['77'] });
    });
    expect(everything(r)).not.toContain('native code');
    expect(r.report.tags.find((x) => x.tag === 'Odd tag')!.kind).toBe('Tag type constructor');
  });

  it('link URLs: the site\u2019s own by path, other sites by origin, and a full URL needs --origin', () => {
    const withLink = (operand: string, op = 'EQUALS', origins = OPTIONS.origins) => {
      const container = JSON.parse(RIVERBEND);
      container.containerVersion.trigger.find((x: { name: string }) => x.name === 'Link - Book appointment').filter = [
        { type: op, parameter: [t('arg0', '{{Click URL}}'), t('arg1', operand)] },
      ];
      container.containerVersion.trigger.find((x: { name: string }) => x.name === 'Link - Book appointment').autoEventFilter = [];
      const r = importContainer(readExport(JSON.stringify(container)), { ...OPTIONS, origins });
      return (r.config.definitions as Array<{ name: string; selector?: string }>).find((d) => d.name === 'GA4 - Book appointment click')?.selector;
    };
    expect(withLink('https://www.riverbend.example/book.html')).toBe('a[href="/book.html"]');
    expect(withLink('https://www.facebook.com/riverbendclinic')).toBe('a[href="https://www.facebook.com"]');
    expect(withLink('https://mychart.partner.org/', 'STARTS_WITH')).toBe('a[href^="https://mychart.partner.org"]');
    expect(withLink('https://www.riverbend.example/book.html', 'EQUALS', [])).toBeUndefined();
    expect(withLink('a\\b', 'CONTAINS')).toBeUndefined();
  });

  it('ids and classes autotrack leaves out of the chain are not written as selectors that never match', () => {
    const r = edited((v) => {
      v.trigger.find((x: { name: string }) => x.name === 'Form - Appointment').filter = [{ type: 'EQUALS', parameter: [t('arg0', '{{Form ID}}'), t('arg1', 'book-2024')] }];
    });
    expect(JSON.stringify(r.config.definitions)).not.toContain('book-2024');
    expect(r.report.triggers.find((x) => x.trigger === 'Form - Appointment')!.notes.join(' ')).toMatch(/autotrack leaves the id or class "book-2024" out of the chain/);
  });
});

describe('hostile size and shape', () => {
  it('refuses values nested deeper than any container, in one line', () => {
    // Written as text: 5,000 levels is deeper than JSON.stringify (or zod) can recurse.
    const deep = `${'{"type":"LIST","list":['.repeat(5000)}${']}'.repeat(5000)}`;
    const text = RIVERBEND.replace('"parameter": [', `"parameter": [${deep},`);
    expect(text).not.toBe(RIVERBEND);
    expect(() => readExport(text)).toThrow(GtmImportError);
    expect(() => readExport(text)).toThrow(/nest more than 1,000 levels deep/);
  });

  it('reads a custom HTML tag built to make a scanner backtrack, without stalling', () => {
    const html = `<script>${'fbq('.repeat(200)}a${'"\\\\'.repeat(20000)}</script>`;
    const reading = readCustomHtml(html);
    expect(reading.calls.length).toBeLessThanOrEqual(200);
    const long = 'x'.repeat(80_000);
    const r = edited((v) => {
      v.variable.push({ name: 'Const - long', type: 'c', parameter: [t('value', long)] });
      v.tag[3].parameter
        .find((p: { key: string }) => p.key === 'eventSettingsTable')
        .list.push({ type: 'MAP', map: [t('parameter', 'label'), t('parameterValue', '{{Const - long}}')] });
    });
    expect(r.report.parameters.find((p) => p.parameter === 'label')!.verdict).toBe('drop');
  });
});
