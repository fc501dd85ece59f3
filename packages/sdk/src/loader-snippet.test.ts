// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { LOADER_SNIPPET, STUB_METHODS, type StubEntry } from './loader-snippet.js';

describe('the async loader snippet', () => {
  it('records each call with its arguments, page and time, in order', () => {
    delete (window as { palisade?: unknown }).palisade;
    history.replaceState(null, '', '/book?x=1');
    document.title = 'Book';
    new Function(LOADER_SNIPPET)();
    const stub = (window as unknown as { palisade: StubEntry[] & Record<string, (...a: unknown[]) => void> }).palisade;
    for (const m of STUB_METHODS) expect(typeof stub[m]).toBe('function');
    stub.track!('Appointment Booked', { service_line: 'x' });
    stub.identify!('u1');
    expect(stub).toHaveLength(2);
    const [method, args, page, timestamp] = stub[0]!;
    expect([method, args]).toEqual(['track', ['Appointment Booked', { service_line: 'x' }]]);
    expect(page).toMatchObject({ path: '/book', search: '?x=1', title: 'Book' });
    expect(Number.isNaN(Date.parse(timestamp!))).toBe(false);
    expect(stub[1]![0]).toBe('identify');
  });

  it('leaves a loaded SDK alone', () => {
    const sdk = { track: () => undefined };
    (window as unknown as { palisade: unknown }).palisade = sdk;
    new Function(LOADER_SNIPPET)();
    expect((window as unknown as { palisade: unknown }).palisade).toBe(sdk);
  });
});
