/** The JSON report: the whole result, canary values included (they are made up and unique to the run). */
import type { ScanResult } from '../types.js';

export function jsonReport(result: ScanResult): string {
  return `${JSON.stringify({ version: 1, ...result }, null, 2)}\n`;
}
