import { describe, expect, it } from 'vitest';
import { vendorName } from './vendor-name.js';

describe('vendorName', () => {
  it.each([
    ['https://www.googletagmanager.com/gtm.js?id=GTM-1', 'Google Tag Manager'],
    ['https://www.google-analytics.com/g/collect', 'Google Analytics'],
    ['https://connect.facebook.net/en_US/fbevents.js', 'Meta (Facebook)'],
    ['https://www.facebook.com/tr?id=1', 'Meta (Facebook)'],
    ['https://analytics.tiktok.com/i18n/pixel/events.js', 'TikTok'],
    ['https://snap.licdn.com/li.lms-analytics/insight.min.js', 'LinkedIn'],
    ['https://static.hotjar.com/c/hotjar-1.js', 'Hotjar'],
    ['https://www.youtube.com/embed/abc', 'YouTube'],
    ['https://www.google.com/maps/embed?pb=1', 'Google Maps'],
  ])('%s is %s', (url, name) => {
    expect(vendorName(url)).toBe(name);
  });

  it('knows nothing of unknown or malformed URLs', () => {
    expect(vendorName('https://cdn.clinic.example/app.js')).toBeUndefined();
    expect(vendorName('not a url')).toBeUndefined();
  });
});
