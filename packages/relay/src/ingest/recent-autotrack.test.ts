import { describe, expect, it } from 'vitest';
import type { Message } from '@palisade/schema';
import { RecentAutotrack } from './recent-autotrack.js';

const CHAIN = 'a.btn:nth-of-type(1)[href=/book.html] < main:nth-of-type(1)';
const click = (text: string, url = 'https://clinic.example/patients/jane-roe/hiv-results?mrn=12345') =>
  ({ type: 'track', event: '$click', anonymousId: 'a', properties: { $elements: CHAIN, $text: text, email: 'x@example.com' }, context: { page: { url } } }) as Message;

describe('RecentAutotrack', () => {
  it('keeps no text that fails the PHI screen, no query, and reports a section of the site only', () => {
    const recent = new RecentAutotrack();
    recent.record('production', [click('Call 555-010-4477'), click('Book now'), { type: 'track', event: 'Lead', anonymousId: 'a' } as Message]);
    const result = recent.test([
      { name: 'Call', on: 'click', text: 'call*', unless: [] },
      { name: 'Book', on: 'click', text: 'book*', unless: [] },
      { name: 'Query', on: 'click', url: 'https://clinic.example/patients/jane-roe/hiv-results?mrn*', unless: [] },
    ]);
    expect(result.recent).toBe(2);
    expect(result.definitions.map((d) => [d.name, d.matched])).toEqual([
      ['Call', 0],
      ['Book', 1],
      ['Query', 0],
    ]);
    expect(result.definitions[1]!.examples).toEqual([{ on: 'click', elements: CHAIN, page: '/patients/...' }]);
    expect(JSON.stringify(result)).not.toMatch(/jane|hiv|12345|example\.com|555/);
  });

  it('looks at the last hour only, in one environment when asked', () => {
    const recent = new RecentAutotrack();
    recent.record('production', [click('Book now')], 0);
    recent.record('staging', [click('Book now')], 3_000_000);
    const book = [{ name: 'Book', on: 'click' as const, text: 'book*', unless: [] }];
    expect(recent.test(book, undefined, 3_700_000).definitions[0]!.matched).toBe(1);
    expect(recent.test(book, 'production', 3_000_000).definitions[0]!.matched).toBe(1);
    expect(recent.test(book, 'staging', 3_000_000).definitions[0]!.matched).toBe(1);
    expect(recent.test(book, undefined, 8_000_000).recent).toBe(0);
  });
});
