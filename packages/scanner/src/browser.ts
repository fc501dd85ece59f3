/**
 * The browser: the system's Chromium (/usr/bin/chromium, or --chromium PATH) where present, else
 * Playwright's own. Contexts look like a visitor's browser: a desktop Chrome user agent without
 * "Headless" (some edges inject beacons only for real browsers) and a real Accept-Language.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { ScannerError } from './errors.js';
import type { ConsentStateName } from './types.js';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface BrowserOptions {
  /** A Chromium binary; default: the system's, else Playwright's own. */
  executablePath?: string;
  /** More command-line switches (tests map every host but loopback to nowhere with one). */
  args?: string[];
}

export async function launch(options: BrowserOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (options.executablePath && !existsSync(options.executablePath)) throw new ScannerError(`no browser at ${options.executablePath}`);
  try {
    return await chromium.launch({ headless: true, args: [...ARGS, ...(options.args ?? [])], ...(executablePath ? { executablePath } : {}) });
  } catch (error) {
    const first = String((error as Error).message ?? error).split('\n')[0];
    throw new ScannerError(`cannot start Chromium (install it, e.g. apt-get install -y chromium, or pass --chromium PATH): ${first}`);
  }
}

/** What a desktop Chrome of this version sends. */
export function visitorUserAgent(browser: Browser): string {
  const major = browser.version().split('.')[0] ?? '120';
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

/** A fresh context for one consent state; GPC is sent as the header and exposed to scripts. */
export async function visitorContext(browser: Browser, state: ConsentStateName, storageState?: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    userAgent: visitorUserAgent(browser),
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9', ...(state === 'gpc' ? { 'Sec-GPC': '1' } : {}) },
    serviceWorkers: 'allow',
    ...(storageState ? { storageState } : {}),
  });
  if (state === 'gpc') {
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
    });
  }
  return context;
}
