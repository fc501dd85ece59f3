/**
 * Real Chromium through Playwright: the system's /usr/bin/chromium where installed (CI installs
 * it), else Playwright's own browser. Every request that is not to loopback is aborted and
 * recorded: no test needs, or reaches, the internet.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchBrowser(): Promise<Browser> {
  const system = '/usr/bin/chromium';
  return chromium.launch({ headless: true, args: ARGS, ...(existsSync(system) ? { executablePath: system } : {}) });
}

/** Aborts every request to a non-loopback host; returns the origins that were attempted. */
export async function loopbackOnly(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.protocol === 'data:') return route.continue();
    blocked.push(url.origin);
    return route.abort('blockedbyclient');
  });
  return blocked;
}
