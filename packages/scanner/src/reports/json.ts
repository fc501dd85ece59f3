/**
 * The JSON report: the whole result, canary values included (they are made up and unique to the
 * run). Page code is listed by source only: the script bodies (up to 60 x 512 KB a page) were
 * needed for the checks, not in a report.
 */
import type { ScanResult } from '../types.js';

export function jsonReport(result: ScanResult): string {
  const pages = result.pages.map((p) => ({ ...p, code: p.code.map((c) => ({ source: c.source, length: c.text.length })) }));
  return `${JSON.stringify({ version: 1, ...result, pages }, null, 2)}\n`;
}
