/**
 * A full user agent string is a fingerprinting input. Vendors get browser family, major version
 * and OS family only: "Chrome 120 (Windows)".
 */
export interface ReducedUserAgent {
  browser: string;
  browserMajor?: string;
  os: string;
  /** `Chrome 120 (Windows)` */
  label: string;
}

const BROWSERS: Array<[name: string, pattern: RegExp]> = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\b(?:OPR|Opera)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /\b(?:Chrome|CriOS|Chromium|HeadlessChrome)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//],
  ['Internet Explorer', /\b(?:MSIE |Trident\/.*rv:)(\d+)/],
];

const SYSTEMS: Array<[name: string, pattern: RegExp]> = [
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\bMac OS X\b|\bMacintosh\b/],
  ['Linux', /\bLinux\b/],
];

export function reduceUserAgent(ua: string): ReducedUserAgent {
  let browser = 'Other';
  let browserMajor: string | undefined;
  for (const [name, pattern] of BROWSERS) {
    const m = pattern.exec(ua);
    if (m) {
      browser = name;
      browserMajor = m[1];
      break;
    }
  }
  if (browser === 'Other' && /bot|crawler|spider|curl|wget|python|node|axios|go-http/i.test(ua)) browser = 'Bot or script';
  const os = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0] ?? 'Other';
  const label = `${browser}${browserMajor ? ` ${browserMajor}` : ''} (${os})`;
  return browserMajor === undefined ? { browser, os, label } : { browser, browserMajor, os, label };
}

/**
 * The full user agent, for a destination with a BAA, when it reads like one: product tokens
 * (`Chrome/120.0.0.0`, `Build/QP1A.190711.020`) are set aside, and what is left (platform words,
 * device model) must pass the PHI screen. A client can write anything in this field; an email or
 * a phone number in it is not a browser.
 */
export function screenedUserAgent(ua: string, looksLikePhi: (text: string) => boolean): string | undefined {
  if (ua.length > 512 || !/^[\x20-\x7E]+$/.test(ua) || ua.includes('@')) return undefined;
  const words = ua.split(/[\s;()]+/).filter((w) => w !== '' && !w.includes('/'));
  return looksLikePhi(words.join(' ')) ? undefined : ua;
}
