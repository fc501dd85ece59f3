import { describe, expect, it } from 'vitest';
import { envelopeProblem, MAX_MESSAGE_KEYS, messageProblem, parseBody } from './parse-body.js';

describe('parseBody', () => {
  it('parses ordinary JSON', () => {
    expect(parseBody('{"batch":[{"a":1}]}')).toEqual({ ok: true, value: { batch: [{ a: 1 }] } });
    expect(parseBody('42')).toEqual({ ok: true, value: 42 });
  });

  it('says nothing about the content of malformed JSON', () => {
    expect(parseBody('{"email":"jane@example.com"')).toEqual({ ok: false, message: 'body is not valid JSON' });
  });
});

describe('messageProblem', () => {
  it('finds prototype keys at any depth', () => {
    for (const body of ['{"__proto__":{"x":1}}', '{"a":[{"b":{"constructor":{"prototype":{}}}}]}', '{"prototype":1}']) {
      expect(messageProblem(JSON.parse(body))).toBe('contains a forbidden key (__proto__, constructor or prototype)');
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('bounds depth and key count', () => {
    expect(messageProblem(JSON.parse('['.repeat(40) + ']'.repeat(40)))).toBe('nested deeper than 32 levels');
    const wide = Object.fromEntries(Array.from({ length: MAX_MESSAGE_KEYS + 1 }, (_, i) => [`k${i}`, i]));
    expect(messageProblem(wide)).toBe(`more than ${MAX_MESSAGE_KEYS} keys`);
    expect(messageProblem({ a: { b: [1, 2, 3] } })).toBeUndefined();
  });

  it('checks the envelope around the batch, not the messages in it', () => {
    expect(envelopeProblem(JSON.parse('{"batch":[{"__proto__":{}}],"context":{}}'))).toBeUndefined();
    expect(envelopeProblem(JSON.parse('{"batch":[],"context":{"constructor":{}}}'))).toBe('context: contains a forbidden key (__proto__, constructor or prototype)');
    expect(envelopeProblem(JSON.parse('{"batch":[],"__proto__":{}}'))).toMatch(/forbidden key/);
  });
});
