import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildConfigSchema } from './config.js';
import { parseSelector, selectorProblem } from './selector.js';

describe('parseSelector', () => {
  it('reads tags, ids, classes, attributes, :nth-of-type and both combinators', () => {
    expect(parseSelector('form#book > button.btn.primary[type=submit]:nth-of-type(2)')).toEqual([
      {
        compounds: [
          { tag: 'form', id: 'book', classes: [], attributes: [] },
          { tag: 'button', classes: ['btn', 'primary'], attributes: [{ name: 'type', operator: '=', value: 'submit' }], nthOfType: 2 },
        ],
        combinators: ['child'],
      },
    ]);
    const [list] = [parseSelector('main  a[href^="/book"] , [data-palisade-event]')];
    expect(list).toHaveLength(2);
    expect(list[0]!.combinators).toEqual(['descendant']);
    expect(list[0]!.compounds[1]!.attributes).toEqual([{ name: 'href', operator: '^=', value: '/book' }]);
    expect(list[1]!.compounds[0]).toEqual({ classes: [], attributes: [{ name: 'data-palisade-event' }] });
    expect(parseSelector('*')).toEqual([{ compounds: [{ classes: [], attributes: [] }], combinators: [] }]);
  });

  it('says where and why a selector is outside the subset', () => {
    expect(selectorProblem('a:hover')).toMatch(/only :nth-of-type/);
    expect(selectorProblem('a + b')).toMatch(/sibling combinators/);
    expect(selectorProblem('a[href="/x]')).toMatch(/unclosed quote/);
    expect(selectorProblem('a,')).toMatch(/at the end/);
    expect(selectorProblem('a:nth-of-type(0)')).toMatch(/position/);
    expect(selectorProblem('#a#b')).toMatch(/second id/);
    expect(selectorProblem('a'.repeat(501))).toMatch(/longer than 500/);
    expect(selectorProblem('a b c d e f g h i j k l m n o p q')).toMatch(/more than 16 compound/);
    expect(selectorProblem('a >')).toMatch(/at the end/);
  });

  it('refuses hostile text with a SelectorError, never another exception', () => {
    for (const text of ['['.repeat(500), 'a['.repeat(250), `a[x="${'\\'.repeat(490)}"]`, ' '.repeat(500), '\u0000', 'a[b=c', '>a', ',']) {
      expect(typeof selectorProblem(text)).toBe('string');
    }
  });
});

describe('definitions in the config', () => {
  const base = { environments: { production: { writeKey: 'pk_test_0123456789' } }, masking: { key: 'env:K' } };
  const schema = buildConfigSchema({ webhook: z.strictObject({ url: z.string() }) });
  const check = (definitions: unknown[]) => schema.safeParse({ ...base, definitions });

  it('accepts the documented shapes', () => {
    const parsed = check([
      { name: 'Book Appointment Clicked', on: 'click', selector: 'form#book button[type=submit]', text: 'Book*', url: '/book*' },
      { name: 'Lead', on: 'event', event: 'dataLayer:form_submit', properties: { form_name: 'contact' }, unless: [{ url: '/portal*' }] },
      { name: 'Thank You Viewed', on: 'pageview', url: 'https://clinic.example/thank-you*' },
    ]);
    expect(parsed.success).toBe(true);
  });

  it('refuses names that would pose as autotrack or shim events, and misplaced fields', () => {
    const parsed = check([
      { name: '$pageview', on: 'click' },
      { name: 'fbq:Lead', on: 'click' },
      { name: 'A', on: 'event' },
      { name: 'B', on: 'pageview', selector: 'a' },
      { name: 'C', on: 'submit', text: 'Send' },
      { name: 'D', on: 'click', selector: 'a:hover' },
      { name: 'E', on: 'click', event: 'x' },
    ]);
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^definitions\.0\.name: definition names do not start with \$/),
        expect.stringMatching(/^definitions\.1\.name: /),
        expect.stringMatching(/^definitions\.2\.event: on: event needs/),
        expect.stringMatching(/^definitions\.3\.selector: on: pageview has no element/),
        expect.stringMatching(/^definitions\.4\.text: text: is only for on: click/),
        expect.stringMatching(/^definitions\.5\.selector: not a supported selector: only :nth-of-type/),
        expect.stringMatching(/^definitions\.6\.event: event: is only for on: event/),
      ]),
    );
  });
});
