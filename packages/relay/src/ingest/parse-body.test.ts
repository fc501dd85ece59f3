import { describe, expect, it } from 'vitest';
import { MAX_KEYS, parseBody } from './parse-body.js';

describe('parseBody', () => {
  it('parses ordinary JSON', () => {
    expect(parseBody('{"batch":[{"a":1}]}')).toEqual({ ok: true, value: { batch: [{ a: 1 }] } });
    expect(parseBody('42')).toEqual({ ok: true, value: 42 });
  });

  it('refuses prototype keys at any depth', () => {
    for (const body of ['{"__proto__":{"x":1}}', '{"a":[{"b":{"constructor":{"prototype":{}}}}]}', '{"prototype":1}']) {
      expect(parseBody(body)).toEqual({ ok: false, message: 'body contains a forbidden key (__proto__, constructor or prototype)' });
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('bounds depth and key count', () => {
    expect(parseBody('['.repeat(40) + ']'.repeat(40))).toEqual({ ok: false, message: 'body too complex: nesting deeper than 32 levels' });
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: MAX_KEYS + 1 }, (_, i) => [`k${i}`, i])));
    expect(parseBody(wide)).toEqual({ ok: false, message: `body too complex: more than ${MAX_KEYS} keys` });
  });

  it('says nothing about the content of malformed JSON', () => {
    expect(parseBody('{"email":"jane@example.com"')).toEqual({ ok: false, message: 'body is not valid JSON' });
  });
});
