/**
 * `palisade scan URL...`: runs the scanner, prints progress (a live line on a terminal, one line
 * per page elsewhere) and the summary, writes the reports asked for, and returns the exit code:
 * 0 clean, 1 findings (not in the baseline), 2 the scan could not run.
 */
import { writeFileSync } from 'node:fs';
import {
  type ConsentHook,
  type ConsentStateName,
  harReport,
  htmlReport,
  jsonReport,
  junitReport,
  type LoginHook,
  loadHook,
  newSince,
  type Progress,
  readBaseline,
  ScannerError,
  scan,
  terminalSummary,
  writeBaseline,
} from '@palisade/scanner';
import { cliVersion } from '../version.js';

export interface ScanCommandOptions {
  urls: string[];
  pages?: string;
  depth?: string;
  sitemap?: string;
  login?: string;
  storageState?: string;
  consent?: string;
  consentHook?: string;
  allowOrigins: string[];
  relay?: string;
  relayAdmin?: string;
  token?: string;
  baseline?: string;
  updateBaseline: boolean;
  json: boolean;
  junit?: string;
  html?: string;
  har?: string;
  chromium?: string;
  clicks?: string;
  /** Extra Chromium switches, from PALISADE_SCAN_CHROMIUM_ARGS (tests keep the browser on loopback). */
  chromiumArgs: string[];
  interactive: boolean;
  out: (line: string) => void;
  err: (text: string) => void;
}

function count(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new ScannerError(`invalid --${name} ${value}: ${min} to ${max}`);
  return n;
}

function progressPrinter(options: ScanCommandOptions): (p: Progress) => void {
  if (options.interactive) {
    return (p) => options.err(`\r\x1b[2K[${p.consent}] pages ${p.pagesDone} done, ${p.pagesQueued} queued · ${p.requests} requests · ${p.findings} findings`);
  }
  return (p) => options.err(`scanned ${p.url} [${p.consent}] pages=${p.pagesDone} queued=${p.pagesQueued} requests=${p.requests} findings=${p.findings}\n`);
}

export async function runScan(options: ScanCommandOptions): Promise<number> {
  if (options.urls.length === 0) throw new ScannerError('usage: palisade scan URL... (run palisade help scan)');
  const consent = options.consent?.split(',').map((s) => s.trim()) as ConsentStateName[] | undefined;
  const baseline = options.baseline && !options.updateBaseline ? readBaseline(options.baseline) : undefined;
  if (options.updateBaseline && !options.baseline) throw new ScannerError('--update-baseline needs --baseline FILE');
  if (options.relayAdmin && !options.token) throw new ScannerError('--relay-admin needs --token (or PALISADE_ADMIN_TOKEN)');
  const login = options.login ? await loadHook<LoginHook>(options.login, 'the login script') : undefined;
  const consentHook = options.consentHook ? await loadHook<ConsentHook>(options.consentHook, 'the consent hook') : undefined;
  const result = await scan({
    urls: options.urls,
    pages: count(options.pages, 'pages', 20, 1, 10_000),
    depth: count(options.depth, 'depth', 2, 0, 50),
    clicks: count(options.clicks, 'clicks', 5, 0, 100),
    allowOrigins: options.allowOrigins,
    browser: { ...(options.chromium ? { executablePath: options.chromium } : {}), args: options.chromiumArgs },
    onProgress: progressPrinter(options),
    ...(consent ? { consent } : {}),
    ...(options.sitemap ? { sitemap: options.sitemap } : {}),
    ...(options.storageState ? { storageState: options.storageState } : {}),
    ...(login ? { login } : {}),
    ...(consentHook ? { consentHook } : {}),
    ...(options.relay ? { relayOrigins: [options.relay] } : {}),
    ...(options.relayAdmin ? { relayAdmin: { url: options.relayAdmin, token: options.token! } } : {}),
  });
  if (options.interactive) options.err('\r\x1b[2K');
  if (baseline) result.newFindings = newSince(result.findings, baseline);
  const withBaseline = { baseline: baseline !== undefined };
  if (options.json) options.out(jsonReport(result).trimEnd());
  else options.out(terminalSummary(result, withBaseline));
  if (options.junit) writeFileSync(options.junit, junitReport(result));
  if (options.html) writeFileSync(options.html, htmlReport(result, withBaseline));
  if (options.har) writeFileSync(options.har, harReport(result, cliVersion()));
  // A page that could not be scanned proves nothing: the run cannot pass, whatever was found.
  const failed = result.pages.filter((p) => p.error);
  if (failed.length > 0) {
    options.err(`palisade: ${failed.length} of ${result.pages.length} page scans could not complete (listed above); the result is incomplete\n`);
    return 2;
  }
  if (options.updateBaseline && options.baseline) {
    writeBaseline(options.baseline, result.findings);
    options.err(`wrote ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} to ${options.baseline}\n`);
    return 0;
  }
  return result.newFindings.length > 0 ? 1 : 0;
}
