/**
 * The browser: the system's Chromium (/usr/bin/chromium, or --chromium PATH) where present, else
 * Playwright's own. Each consent state gets its own fresh profile (a temporary directory) and
 * looks like a visitor's browser:
 *  - a regular profile with third-party cookies allowed, not an incognito context: Chrome blocks
 *    third-party cookies and storage in incognito, so a scan there would never see the cookies
 *    and frame storage most visitors get;
 *  - a desktop Chrome user agent without "Headless" (some edges inject beacons only for real
 *    browsers) and a real Accept-Language;
 *  - under `gpc`, the Sec-GPC header and `navigator.globalPrivacyControl`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { ScannerError } from './errors.js';
import type { ConsentStateName } from './types.js';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Chromium's sandbox stays on: the scan renders third-party code on a CI runner that may hold
 * secrets. Only as root, where Chromium refuses to start with it, is it turned off.
 */
const SANDBOX_ARGS = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

export interface BrowserOptions {
  /** A Chromium binary; default: the system's, else Playwright's own. */
  executablePath?: string;
  /** More command-line switches (tests map every host but loopback to nowhere with one). */
  args?: string[];
}

export interface Visitor {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * What a desktop Chrome of this binary's major version sends (the headless one says
 * HeadlessChrome). Chrome's own user agent reduction gives the minor versions as zeros.
 */
export function visitorUserAgent(executablePath: string): string {
  let major = '140';
  try {
    major = /(\d+)\.\d+\.\d+/.exec(execFileSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }))?.[1] ?? major;
  } catch {
    // The launch itself reports a binary that does not run.
  }
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

export async function openVisitor(state: ConsentStateName, options: BrowserOptions = {}, storageState?: string): Promise<Visitor> {
  if (options.executablePath && !existsSync(options.executablePath)) throw new ScannerError(`no browser at ${options.executablePath}`);
  const executablePath = options.executablePath ?? SYSTEM_CHROMIUM.find((p) => existsSync(p));
  const userAgent = visitorUserAgent(executablePath ?? chromium.executablePath());
  const profile = mkdtempSync(join(tmpdir(), 'palisade-scan-'));
  // Third-party cookies allowed, as in Chrome's default profile (Chromium builds may default to
  // blocking them, which would hide the very cookies the scan looks for).
  mkdirSync(join(profile, 'Default'));
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  const remove = () => rmSync(profile, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      headless: true,
      args: [...SANDBOX_ARGS, ...ARGS, ...(options.args ?? [])],
      ...(executablePath ? { executablePath } : {}),
      userAgent,
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
      extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9', ...(state === 'gpc' ? { 'Sec-GPC': '1' } : {}) },
      serviceWorkers: 'allow',
    });
  } catch (error) {
    remove();
    const first = String((error as Error).message ?? error).split('\n')[0];
    throw new ScannerError(`cannot start Chromium (install it, e.g. apt-get install -y chromium, or pass --chromium PATH): ${first}`);
  }
  const close = async () => {
    await context.close().catch(() => {});
    remove();
  };
  try {
    if (state === 'gpc') {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
      });
    }
    if (storageState) await loadStorageState(context, storageState);
  } catch (error) {
    await close();
    throw error;
  }
  return { context, close };
}

/** A Playwright storage-state file (cookies and each origin's localStorage), as a signed-in visitor has. */
async function loadStorageState(context: BrowserContext, file: string): Promise<void> {
  let state: { cookies?: Parameters<BrowserContext['addCookies']>[0]; origins?: { origin: string; localStorage: { name: string; value: string }[] }[] };
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScannerError(`cannot read the storage state ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (state.cookies?.length) await context.addCookies(state.cookies);
  for (const o of state.origins ?? []) {
    await context.addInitScript(
      ({ origin, items }) => {
        if (location.origin !== origin) return;
        for (const { name, value } of items) if (localStorage.getItem(name) === null) localStorage.setItem(name, value);
      },
      { origin: o.origin, items: o.localStorage ?? [] },
    );
  }
}
