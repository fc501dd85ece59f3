import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isExpression, readCustomHtml } from './custom-html.js';
import { normalizeEnum } from './export-format.js';
import { judgeParameter, printableConstant } from './phi.js';
import { GtmImportError, readExport } from './read-export.js';
import { simpleRegex } from './triggers.js';

const RIVERBEND = readFileSync(new URL('../../../examples/gtm/riverbend-container.json', import.meta.url), 'utf8');
const refusal = (input: string | Buffer) => {
  try {
    readExport(input, 'export.json');
  } catch (error) {
    expect(error).toBeInstanceOf(GtmImportError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('readExport refuses what is not a web container export, in one line', () => {
  it('names what it found', () => {
    expect(refusal(RIVERBEND.slice(0, 5000))).toBe('export.json is not complete JSON: it ends too early (truncated download or copy?)');
    // V8's wording differs between Node versions; ours names the file and what to do.
    expect(refusal('<html>')).toMatch(/^export\.json is not JSON.*; export the container from GTM: Admin > Export Container$/);
    expect(refusal('')).toBe('export.json is empty');
    expect(refusal('[]')).toBe('export.json is a JSON array of 0 items, not a GTM container export');
    expect(refusal('{"log":{"entries":[]}}')).toMatch(/^export\.json is a HAR file, not a GTM container export/);
    expect(refusal('{"environments":{},"destinations":[]}')).toMatch(/^export\.json is a Palisade config/);
    expect(refusal('{"tags":[],"triggers":[]}')).toMatch(/a tag list that is not a GTM export/);
    const server = JSON.parse(RIVERBEND);
    server.containerVersion.container.usageContext = ['SERVER'];
    expect(refusal(JSON.stringify(server))).toBe(
      'export.json is a server container (GTM-K7PX2QD usageContext SERVER); only web containers can be imported (a server container already runs on your server)',
    );
    server.containerVersion.container.usageContext = ['AMP'];
    expect(refusal(JSON.stringify(server))).toMatch(/^export\.json is an AMP container/);
    const v1 = { ...JSON.parse(RIVERBEND), exportFormatVersion: 1 };
    expect(refusal(JSON.stringify(v1))).toMatch(/format version 1; only version 2/);
    expect(refusal(Buffer.alloc(11 * 1024 * 1024, 0x20))).toMatch(/is 11\.0 MB; a GTM container export is well under 1 MB/);
  });

  it('never quotes a value of the file', () => {
    const secret = 'EAABsecretSECRETsecret123';
    expect(refusal(JSON.stringify({ [secret.slice(0, 3)]: secret, token: secret }))).not.toContain(secret);
    const bad = JSON.parse(RIVERBEND);
    bad.containerVersion.tag[0].name = { secret };
    const message = refusal(JSON.stringify(bad));
    expect(message).toBe('export.json is not a valid GTM export: containerVersion.tag[0].name: Invalid input: expected string, received object');
    expect(message).not.toContain(secret);
  });

  it('reads a byte-order mark and both casings', () => {
    expect(readExport(`\ufeff${RIVERBEND}`).containerVersion.trigger[0]!.type).toBe('linkClick');
    expect(['PAGEVIEW', 'CUSTOM_EVENT', 'ONCE_PER_EVENT', 'YOU_TUBE_VIDEO', 'pageview', 'customEvent', 'cvt_5TP8W', 'gaawe'].map(normalizeEnum)).toEqual([
      'pageview',
      'customEvent',
      'oncePerEvent',
      'youTubeVideo',
      'pageview',
      'customEvent',
      'cvt_5TP8W',
      'gaawe',
    ]);
  });
});

describe('readCustomHtml', () => {
  it('reads vendor calls as literals, never running them', () => {
    const reading = readCustomHtml(`<script>
      fbq('init', "123456", { em: '{{DL - email}}', nested: { a: [1, 'b'] } }); // comment fbq('track', 'Fake')
      /* fbq('track', 'Hidden') */
      window.fbq('track', 'Lead', { value: 12.5, currency: 'USD', id: getId(), label: 'a' + b });
      n.fbq('track', 'NotACall'); my_fbq('track', 'NotACall');
      ttq.track(\`Contact\`, {});
      window.lintrk('track', { conversion_id: 42 });
      uetq.push('event', 'book', { revenue_value: '{{DL - value}}' });
    </script><img src="https://px.example/p.gif?u={{DL - email}}">`);
    expect(reading.calls.map((c) => c.callee)).toEqual(['fbq', 'fbq', 'ttq.track', 'lintrk', 'uetq.push']);
    expect(reading.calls[0]!.args).toEqual(['init', '123456', { em: '{{DL - email}}', nested: { a: [1, 'b'] } }]);
    const lead = reading.calls[1]!.args[2] as Record<string, unknown>;
    expect(lead.value).toBe(12.5);
    expect(isExpression(lead.id as never)).toBe(true);
    expect(isExpression(lead.label as never)).toBe(true);
    expect(reading.calls[3]!.args[1]).toEqual({ conversion_id: 42 });
    expect(reading.hosts).toEqual(['px.example']);
  });

  it('reads hostile tags without throwing', () => {
    for (const html of ['fbq('.repeat(5000), `fbq('init', ${'{'.repeat(5000)}`, `fbq("${'\\'.repeat(10000)}`, `fbq(\`\${x}\`)`, `fbq({__proto__: {polluted: 1}})`]) {
      const reading = readCustomHtml(html);
      expect(reading.calls.length).toBeLessThanOrEqual(200);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('patterns and PHI judgement', () => {
  it('turns only literal regexes into globs', () => {
    expect(simpleRegex('^(booking_start|booking_complete)$')).toEqual({ alternatives: ['booking_start', 'booking_complete'], anchoredStart: true, anchoredEnd: true });
    expect(simpleRegex('\\/book\\.html$')).toEqual({ alternatives: ['/book.html'], anchoredStart: false, anchoredEnd: true });
    expect(simpleRegex('book.*')).toBeUndefined();
    expect(simpleRegex('(a+)+$')).toBeUndefined();
  });

  it('drops contact details and free text, masks identifiers and unknowns, allows only the known safe', () => {
    const verdict = (name: string, value?: string) => judgeParameter(name, value).verdict;
    expect(['email', 'user_email', 'em', 'phone_number', 'first_name', 'dob', 'street_address', 'zip', 'symptoms', 'search_term', 'page_location'].map((n) => verdict(n))).toEqual(
      Array(11).fill('drop'),
    );
    expect(['user_id', 'external_id', 'transaction_id', 'mrn', 'service_line', 'clinic'].map((n) => verdict(n))).toEqual(Array(6).fill('mask'));
    expect(['currency', 'value', 'content_category'].map((n) => verdict(n))).toEqual(['allow', 'allow', 'allow']);
    expect(verdict('label', 'jane@example.com')).toBe('drop');
    expect(printableConstant('G-8Q1ZT4RM2C')).toBe('G-8Q1ZT4RM2C');
    expect(printableConstant('EAABsbCS1iHgBAOZCZB')).toBe('(looks like a token, not shown)');
    expect(printableConstant('3f9d2c1a-77be-4e0b-a1f2-6c0d9e8b7a55')).toBe('(looks like a token, not shown)');
    expect(printableConstant('914305718822301')).toBe('(an id, not shown)');
  });
});
