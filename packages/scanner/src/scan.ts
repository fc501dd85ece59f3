/**
 * A scan: for each consent state, a fresh browser profile (signed in where asked), the state set
 * through the Palisade SDK or the site's hook, then every page of the crawl loaded, recorded,
 * used like a visitor would (scroll, clicks, canaries in every form), and checked by each
 * detector. The pages are found in the first state's pass; the other states scan the same ones.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type BrowserOptions, openVisitor } from './browser.js';
import { type CanarySet, canarySearch, makeCanaries } from './canaries.js';
import { crawlable, pageKey, sitemapUrls } from './crawl.js';
import type { DetectorContext } from './detectors/context.js';
import { cookieFindings } from './detectors/cookies.js';
import { cspFindings } from './detectors/csp.js';
import { hintFindings } from './detectors/hints.js';
import { pageCodeFindings } from './detectors/page-code.js';
import { isBlocked, requestFindings, violationRequests } from './detectors/requests.js';
import { tagFindings } from './detectors/tag.js';
import { ScannerError } from './errors.js';
import { draftId, type FindingDraft, mergeFindings } from './findings.js';
import { interact } from './interact.js';
import { newPageRecord } from './page-record.js';
import { pageTemplate } from './page-template.js';
import { Recorder } from './recorder.js';
import { readServedHtml } from './served-html.js';
import { CONSENT_STATES, type ConsentCategory, type ConsentStateName, type PageRecord, type ScanResult } from './types.js';
import { readRelayForwarded, type RelayAdmin } from './relay-admin.js';
import { vendorOf } from './vendors.js';

/** Signs in: gets a page in the scan's context, leaves it signed in (cookies, storage). */
export type LoginHook = (args: { page: Page; context: BrowserContext; url: string }) => Promise<void>;
/** Sets a consent state with the site's own consent manager; returns whether it could. */
export type ConsentHook = (args: { page: Page; state: ConsentStateName }) => Promise<boolean>;

export interface ScanOptions {
  urls: string[];
  /** Most pages per consent state (default 20). */
  pages?: number;
  /** Link depth from the start URLs (default 2). */
  depth?: number;
  sitemap?: string;
  login?: LoginHook;
  storageState?: string;
  consent?: ConsentStateName[];
  consentHook?: ConsentHook;
  /** `https://cdn.example` or `https://cdn.example=analytics` (allowed only with that consent). */
  allowOrigins?: string[];
  /** The relay's origins; default: where the page's Palisade tag loads from. */
  relayOrigins?: string[];
  relayAdmin?: RelayAdmin;
  /** Buttons and links clicked per page (default 5). */
  clicks?: number;
  forms?: boolean;
  browser?: BrowserOptions;
  canaries?: CanarySet;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  consent: ConsentStateName;
  url: string;
  pagesDone: number;
  pagesQueued: number;
  requests: number;
  findings: number;
}

const CONSENT_CATEGORIES = new Set<ConsentCategory>(['analytics', 'advertising', 'functional']);

function origin(url: string, what: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ScannerError(`${what} is not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ScannerError(`${what} must be http or https: ${url}`);
  return u.origin;
}

export function parseAllowOrigins(values: string[]): Map<string, ConsentCategory | undefined> {
  const out = new Map<string, ConsentCategory | undefined>();
  for (const value of values) {
    const at = value.lastIndexOf('=');
    const category = at > 0 ? value.slice(at + 1) : undefined;
    if (category !== undefined && !CONSENT_CATEGORIES.has(category as ConsentCategory)) {
      throw new ScannerError(`--allow-origin ${value}: the category must be analytics, advertising or functional`);
    }
    out.set(origin(at > 0 ? value.slice(0, at) : value, '--allow-origin'), category as ConsentCategory | undefined);
  }
  return out;
}

/** Loads a hook module (its default export) given on the command line. */
export async function loadHook<T>(file: string, what: string): Promise<T> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  } catch (error) {
    throw new ScannerError(`cannot load ${what} ${file}: ${String((error as Error).message ?? error).split('\n')[0]}`);
  }
  if (typeof mod.default !== 'function') throw new ScannerError(`${what} ${file} must export a default async function`);
  return mod.default as T;
}

/** `promise`, or a ScannerError saying what did not finish in time (`onLate` releases what it holds). */
async function within<T>(ms: number, what: string, promise: Promise<T>, onLate: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onLate();
      reject(new ScannerError(`${what} did not finish within ${ms / 1000} s`));
    }, ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sets the state through the Palisade SDK (`palisade.consent.set`), when the page runs it. */
async function applyConsent(page: Page, state: ConsentStateName, hook?: ConsentHook): Promise<boolean> {
  if (hook) return hook({ page, state });
  return page.evaluate((s) => {
    const p = (window as unknown as { palisade?: { consent?: { set?: (c: Record<string, boolean>) => void } } }).palisade;
    if (typeof p?.consent?.set !== 'function') return s === 'gpc';
    // GPC: the signal alone (header and navigator), no banner choice.
    if (s === 'denied') p.consent.set({ analytics: false, advertising: false, functional: false });
    if (s === 'granted') p.consent.set({ analytics: true, advertising: true, functional: true });
    return true;
  }, state);
}

/** A page that takes longer than this (a busy loop, an endless stream of work) is closed and reported. */
const PAGE_DEADLINE_MS = 90_000;

const HINT_RELS = ['preconnect', 'dns-prefetch', 'preload', 'prefetch', 'modulepreload'];

/** The connection hint among a `rel` attribute's tokens, if any. */
const hintRel = (rel: string) =>
  rel
    .toLowerCase()
    .split(/\s+/)
    .find((r) => HINT_RELS.includes(r));

/** `Link` header hints: split on commas, read with indexOf (a hostile header costs linear time). */
export function linkHints(value: string): PageRecord['hints'] {
  if (value.length > 8192) return [];
  const out: PageRecord['hints'] = [];
  for (const part of value.split(',')) {
    const open = part.indexOf('<');
    const close = part.indexOf('>', open + 1);
    if (open < 0 || close < 0) continue;
    const hint = hintRel(/;\s*rel="?([\w -]+)"?/i.exec(part.slice(close + 1))?.[1] ?? '');
    if (hint) out.push({ rel: hint, href: part.slice(open + 1, close).trim(), source: 'header' });
  }
  return out;
}

async function scanPage(page: Page, url: string, state: ConsentStateName, applied: boolean, recorder: Recorder, canaries: CanarySet, options: ScanOptions) {
  const record = newPageRecord({ url, template: pageTemplate(url), consent: state, consentApplied: applied, startedAt: new Date().toISOString() });
  const links: string[] = [];
  const cookieKey = (c: { name: string; domain: string; path: string }) => `${c.name} ${c.domain} ${c.path}`;
  const cookiesBefore = new Set((await page.context().cookies()).map(cookieKey));
  await recorder.watch(page);
  recorder.begin();
  let late = false;
  const deadline = setTimeout(() => {
    late = true;
    page.close().catch(() => {});
  }, PAGE_DEADLINE_MS);
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    record.finalUrl = page.url();
    if (response) {
      record.status = response.status();
      for (const { name, value } of await response.headersArray()) {
        const n = name.toLowerCase();
        if (n === 'content-security-policy') record.csp.enforce.push(value);
        if (n === 'content-security-policy-report-only') record.csp.reportOnly.push(value);
        if (n === 'link') record.hints.push(...linkHints(value));
      }
      const served = readServedHtml(await response.text().catch(() => ''));
      record.headScripts = served.headScripts;
      record.code.push(...served.inline.map((text, i) => ({ source: `inline script ${i + 1} of ${url}`, text })));
    }
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
    const dom = await page.evaluate(() => ({
      meta: [...document.querySelectorAll('meta[http-equiv]')]
        .filter((m) => m.getAttribute('http-equiv')?.toLowerCase() === 'content-security-policy')
        .map((m) => m.getAttribute('content') ?? ''),
      hints: [...document.querySelectorAll('link[rel][href]')].map((l) => ({ rel: l.getAttribute('rel') ?? '', href: (l as HTMLLinkElement).href })),
      links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
    }));
    record.csp.enforce.push(...dom.meta);
    for (const h of dom.hints) {
      const rel = hintRel(h.rel);
      if (rel) record.hints.push({ rel, href: h.href, source: 'element' });
    }
    links.push(...dom.links);
    record.frameStorage = await frameStorage(page);
    record.formsFilled = await interact(page, canaries, { clicks: options.clicks ?? 5, forms: options.forms ?? true });
    await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => {});
  } catch (error) {
    record.error = late ? `the page did not finish within ${PAGE_DEADLINE_MS / 1000} s; it was closed` : String((error as Error).message ?? error).split('\n')[0];
  } finally {
    clearTimeout(deadline);
  }
  const recording = await recorder.end(page);
  record.requests = recording.requests;
  record.cspViolations = recording.cspViolations;
  record.code.push(...recording.code);
  // Only the cookies this page added: one set earlier is the earlier page's finding.
  record.cookies = (await page.context().cookies())
    .filter((c) => !cookiesBefore.has(cookieKey(c)))
    .map((c) => ({ name: c.name, domain: c.domain, path: c.path, secure: c.secure, sameSite: c.sameSite }));
  return { record, links };
}

/** What the page's frames (not the page itself) keep in storage, by origin: keys only, never values. */
async function frameStorage(page: Page): Promise<PageRecord['frameStorage']> {
  const out: PageRecord['frameStorage'] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const got = await frame
      .evaluate(() => {
        const keys = (s: Storage) => Array.from({ length: s.length }, (_, i) => s.key(i) ?? '');
        return { origin: location.origin, keys: [...keys(localStorage), ...keys(sessionStorage)] };
      })
      .catch(() => undefined);
    if (got && got.keys.length > 0 && got.origin !== 'null') out.push({ origin: got.origin, keys: got.keys.slice(0, 50) });
  }
  return out;
}

function detect(page: PageRecord, ctx: DetectorContext): FindingDraft[] {
  return [...requestFindings(page, ctx), ...cookieFindings(page, ctx), ...hintFindings(page, ctx), ...tagFindings(page), ...cspFindings(page), ...pageCodeFindings(page)];
}

/** Third-party requests the browser stopped, by destination: listed in the reports, not findings. */
function blockedAttempts(records: PageRecord[], ctx: DetectorContext): ScanResult['blocked'] {
  const by = new Map<string, ScanResult['blocked'][number]>();
  for (const page of records) {
    for (const r of [...page.requests, ...violationRequests(page)]) {
      if (!isBlocked(r) || !/^https?:/.test(r.url)) continue;
      const url = new URL(r.url);
      if (ctx.siteOrigins.has(url.origin) || ctx.relayOrigins.has(url.origin)) continue;
      const key = `${url.host} ${r.failure}`;
      const vendor = vendorOf(r.url)?.name;
      const entry = by.get(key) ?? { destination: url.host, by: r.failure!, pages: [], consent: [], ...(vendor ? { vendor } : {}) };
      if (!entry.pages.includes(page.url)) entry.pages.push(page.url);
      if (!entry.consent.includes(page.consent)) entry.consent.push(page.consent);
      by.set(key, entry);
    }
  }
  return [...by.values()].sort((a, b) => a.destination.localeCompare(b.destination));
}

/**
 * The relay's origin from the page's Palisade tag: the first script of `<head>` when it carries
 * `data-write-key` (the tag's own form). Requests to it are not searched for canaries, so a script
 * merely named palisade.js, or placed later, does not make its host the relay; the reports name
 * the origin taken.
 */
function tagOrigins(records: PageRecord[]): string[] {
  const out = new Set<string>();
  for (const r of records) {
    const tag = r.headScripts[0];
    if (!tag?.src || !tag.writeKey) continue;
    try {
      out.add(new URL(tag.src, r.url).origin);
    } catch {
      // Not a URL: no relay origin from it.
    }
  }
  return [...out];
}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  if (options.urls.length === 0) throw new ScannerError('give at least one URL to scan');
  const siteOrigins = new Set(options.urls.map((u) => origin(u, 'the URL')));
  const allowOrigins = parseAllowOrigins(options.allowOrigins ?? []);
  const relayGiven = (options.relayOrigins ?? []).map((u) => origin(u, '--relay'));
  const states = options.consent ?? [...CONSENT_STATES];
  for (const s of states) if (!CONSENT_STATES.includes(s)) throw new ScannerError(`unknown consent state ${s} (use denied, granted, gpc)`);
  const maxPages = options.pages ?? 20;
  const maxDepth = options.depth ?? 2;
  const canaries = options.canaries ?? makeCanaries();
  const startedAt = new Date().toISOString();
  let sitemap: string[] = [];
  if (options.sitemap) {
    origin(options.sitemap, '--sitemap');
    sitemap = await sitemapUrls(options.sitemap, siteOrigins).catch((error: Error) => {
      throw new ScannerError(`cannot read the sitemap: ${error.message}`);
    });
  }
  const records: PageRecord[] = [];
  let plan: string[] | undefined;
  // Each page's drafts are worked out once, with the relay origins known so far (given, or taken
  // from the tags seen so far); a page scanned before the last origin appeared is checked again.
  const findCanaries = canarySearch(canaries);
  const relayOrigins = new Set(relayGiven);
  const checked: { drafts: FindingDraft[]; relays: number }[] = [];
  const ids = new Set<string>();
  let requests = 0;
  for (const state of states) {
    const visitor = await openVisitor(state, options.browser, options.storageState);
    const { context } = visitor;
    try {
      const recorder = await Recorder.attach(context);
      const first = options.urls[0]!;
      if (options.login) {
        const page = await context.newPage();
        const signIn = options.login({ page, context, url: first }).catch((error: Error) => {
          throw new ScannerError(`the login script failed: ${String(error.message ?? error).split('\n')[0]}`);
        });
        await within(120_000, 'the login script', signIn, () => page.close().catch(() => {}));
        await page.close();
      }
      const setup = await context.newPage();
      const loaded = await setup.goto(first, { waitUntil: 'load', timeout: 30_000 }).catch((error: Error) => error);
      if (loaded instanceof Error) throw new ScannerError(`cannot load ${first}: ${loaded.message.split('\n')[0]}`);
      // A consent manager that never answers leaves the state unset (reported), not the scan stuck.
      const applied = await within(30_000, 'setting the consent state', applyConsent(setup, state, options.consentHook), () => setup.close().catch(() => {})).catch(() => false);
      await setup.close().catch(() => {});

      const queue: { url: string; depth: number }[] = (plan ?? [...new Set([...options.urls.map(pageKey), ...sitemap])]).map((url) => ({ url, depth: 0 }));
      const seen = new Set(queue.map((q) => q.url));
      const scanned: string[] = [];
      while (queue.length > 0 && scanned.length < maxPages) {
        const { url, depth } = queue.shift()!;
        const page = await context.newPage();
        const { record, links } = await scanPage(page, url, state, applied, recorder, canaries, options);
        await page.close().catch(() => {});
        scanned.push(url);
        records.push(record);
        requests += record.requests.length;
        if (plan === undefined && depth < maxDepth) {
          for (const link of links) {
            const next = crawlable(link, siteOrigins);
            if (next && !seen.has(next)) {
              seen.add(next);
              queue.push({ url: next, depth: depth + 1 });
            }
          }
        }
        if (relayGiven.length === 0) for (const o of tagOrigins([record])) relayOrigins.add(o);
        const drafts = detect(record, { siteOrigins, relayOrigins, allowOrigins, findCanaries });
        checked.push({ drafts, relays: relayOrigins.size });
        for (const d of drafts) ids.add(draftId(d));
        options.onProgress?.({
          consent: state,
          url,
          pagesDone: scanned.length,
          pagesQueued: Math.min(queue.length, maxPages - scanned.length),
          requests,
          findings: ids.size,
        });
      }
      plan ??= scanned;
    } finally {
      await visitor.close();
    }
  }
  // The relay origins only grow: a page checked with as many as there are now was checked with these.
  const ctx: DetectorContext = { siteOrigins, relayOrigins, allowOrigins, findCanaries };
  const drafts = records.flatMap((r, i) => (checked[i]!.relays === relayOrigins.size ? checked[i]!.drafts : detect(r, ctx)));
  let relay: ScanResult['relay'];
  if (options.relayAdmin) {
    const forwarded = await readRelayForwarded(options.relayAdmin, startedAt);
    relay = forwarded.summary;
    drafts.push(...forwarded.findings(ctx.findCanaries));
  }
  const findings = mergeFindings(drafts);
  return {
    relayOrigins: [...ctx.relayOrigins],
    blocked: blockedAttempts(records, ctx),
    startedAt,
    finishedAt: new Date().toISOString(),
    startUrls: options.urls,
    consent: states,
    pages: records,
    findings,
    newFindings: findings,
    canaries: canaries.all.map((c) => ({ label: c.label, value: c.value })),
    ...(relay ? { relay } : {}),
  };
}
