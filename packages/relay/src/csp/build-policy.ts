/**
 * The Content-Security-Policy that makes "nothing third-party in the browser" a browser-enforced
 * rule: the page may contact only itself, the relay and the origins the site owner allowlisted;
 * only the site's own pages and allowlisted embeds may be framed. No 'strict-dynamic' (it would extend trust to whatever a
 * tag manager loads) and no wildcards. Runtime patching cannot stop the browser's preload scanner;
 * this can.
 */
import type { BrowserConfig } from '@palisade/schema';
import { originsByType } from './browser-policy.js';

export const CSP_REPORT_PATH = '/v1/csp-report';
export const REPORT_GROUP = 'palisade';

export interface CspHeaders {
  /** `Content-Security-Policy` or `Content-Security-Policy-Report-Only`. */
  name: string;
  value: string;
  /** The policy for one response whose inline scripts carry `nonce`. */
  withNonce(nonce: string): string;
  /** Whether inline scripts are allowed at all (then the relay marks those it serves with a nonce). */
  inlineScripts: boolean;
  /**
   * `Reporting-Endpoints` value for the Reporting API, when `csp.reportTo` is on. Browsers want an
   * absolute URL: the relay's configured origin, else the page's origin when the caller vouches
   * for it (a configured origin, never a Host header as sent); else none.
   */
  reportingEndpoints(pageOrigin?: string): string | undefined;
}

/**
 * `nonce`: the relay serves this response and marked its inline scripts with this nonce, so the
 * policy allows exactly those instead of `'unsafe-inline'` (an injected inline script, or inline
 * speculation rules, then do not run). Without one, `inlineScripts: true` means `'unsafe-inline'`.
 */
export function buildPolicy(browser: BrowserConfig, nonce?: string): string {
  const origins = originsByType(browser);
  const directive = (name: string, sources: string[]) => `${name} ${[...new Set(sources)].join(' ')}`;
  const report = browser.relayOrigin ? `${browser.relayOrigin}${CSP_REPORT_PATH}` : CSP_REPORT_PATH;
  return [
    "default-src 'self'",
    directive('script-src', ["'self'", ...origins.script, ...(browser.csp.inlineScripts ? [nonce ? `'nonce-${nonce}'` : "'unsafe-inline'"] : [])]),
    directive('style-src', ["'self'", "'unsafe-inline'", ...origins.style]),
    directive('img-src', ["'self'", 'data:', ...origins.image]),
    directive('font-src', ["'self'", 'data:', ...origins.font]),
    // blob: for players that stream through a MediaSource (hls.js, video.js): what they fetch
    // is still judged by connect-src and media-src on its own URL.
    directive('media-src', ["'self'", 'blob:', ...origins.media]),
    directive('connect-src', ["'self'", ...origins.connect]),
    // The site's own pages may be framed (a same-origin widget); other origins only as allowed embeds.
    directive('frame-src', ["'self'", ...origins.frame]),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    directive('form-action', ["'self'", ...origins.form]),
    "frame-ancestors 'self'",
    `report-uri ${report}`,
    ...(browser.csp.reportTo ? [`report-to ${REPORT_GROUP}`] : []),
  ].join('; ');
}

export function cspHeaders(browser: BrowserConfig): CspHeaders {
  return {
    name: browser.csp.mode === 'enforce' ? 'Content-Security-Policy' : 'Content-Security-Policy-Report-Only',
    value: buildPolicy(browser),
    withNonce: (nonce) => buildPolicy(browser, nonce),
    inlineScripts: browser.csp.inlineScripts,
    reportingEndpoints: (pageOrigin) => {
      const origin = browser.relayOrigin ?? pageOrigin;
      return browser.csp.reportTo && origin !== undefined ? `${REPORT_GROUP}="${origin}${CSP_REPORT_PATH}"` : undefined;
    },
  };
}
