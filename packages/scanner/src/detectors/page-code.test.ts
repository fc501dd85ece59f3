import { describe, expect, it } from 'vitest';
import { pageRecord } from '../page-record.fixture.js';
import { pageCodeFindings } from './page-code.js';

const page = (...texts: string[]) => pageRecord({ code: texts.map((text, i) => ({ source: `script ${i}`, text })) });

describe('PHI-collecting page code', () => {
  it("finds Meta advanced matching, GTM's User-Provided Data in AUTO mode and gtag user data", () => {
    const titles = (...t: string[]) => pageCodeFindings(page(...t)).map((f) => f.title);
    expect(titles("fbq('init', '914305718822301', { em: document.querySelector('#email').value });")).toEqual([
      "Meta pixel advanced matching (fbq('init', id, {...})) in page code",
    ]);
    expect(titles("fbq('init', '914305718822301'); fbq('track', 'PageView');")).toEqual([]);
    expect(titles('{"function":"__awec","vtp_mode":"AUTO","vtp_autoEmailEnabled":true}')).toEqual(['Google Tag Manager "User-Provided Data" in AUTO mode in page code']);
    expect(titles('{"function":"__awec","vtp_mode":"MANUAL"}')).toEqual([]);
    expect(titles('{"automaticMatching":{"selectedMatchKeys":["em","ph"]}}')).toEqual(['Meta pixel automatic advanced matching in page code']);
    expect(titles('{"automaticMatching":false,"enableAutomaticMatching":false}')).toEqual([]);
    expect(titles("gtag('set', 'user_data', { email: e })")).toEqual(["gtag user data (gtag('set', 'user_data', ...)) in page code"]);
  });

  it('reads a large hostile script in linear time (fixed strings and bounded runs only)', () => {
    const hostile = `${"fbq('init',".repeat(20_000)}${' '.repeat(200_000)}${'"function":"__awec"'.repeat(10_000)}`;
    expect(pageCodeFindings(page(hostile))).toEqual([]);
  });
});
