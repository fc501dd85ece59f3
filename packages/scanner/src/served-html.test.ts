import { describe, expect, it } from 'vitest';
import { pageRecord } from './page-record.fixture.js';
import { readServedHtml } from './served-html.js';
import { tagFindings } from './detectors/tag.js';

const record = (html: string) => pageRecord({ url: 'https://clinic.example/a', template: '/a', headScripts: readServedHtml(html).headScripts });

describe('the page as served', () => {
  it('lists the scripts of <head> in order, and the inline scripts of the whole page', () => {
    const html = `<html><head><script src="/palisade.js" data-write-key="pk"></script><script>var a=1</script><script src='https://x.example/a.js'></script></head><body><script>b()</script></body>`;
    const served = readServedHtml(html);
    expect(served.headScripts).toEqual([{ src: '/palisade.js', writeKey: true }, {}, { src: 'https://x.example/a.js' }]);
    expect(served.inline).toEqual(['var a=1', 'b()']);
  });

  it('finds the tag missing, late, or first', () => {
    expect(tagFindings(record('<head><script src="/palisade.js" data-write-key="pk"></script><script src="/gtm.js"></script></head>'))).toEqual([]);
    expect(tagFindings(record('<head><script>gtag()</script><script src="/palisade.js" data-write-key="pk"></script></head>'))[0]?.kind).toBe('tag-not-first');
    expect(tagFindings(record('<head><script src="/gtm.js"></script></head><body><script src="/palisade.js"></script></body>'))[0]?.kind).toBe('tag-missing');
  });

  it('reads a hostile page in one pass', () => {
    const hostile = `<head>${'<script '.repeat(50_000)}${'<script>'.repeat(20_000)}`;
    expect(readServedHtml(hostile).headScripts.length).toBeGreaterThanOrEqual(0);
  });
});
