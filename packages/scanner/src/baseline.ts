/**
 * A baseline: the findings a team has seen and accepted (or is working on), by stable id. The file
 * lives in the site's repository; a run fails only on findings that are not in it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ScannerError } from './errors.js';
import type { Finding } from './types.js';

export interface Baseline {
  version: 1;
  findings: { id: string; kind: string; title: string; template: string }[];
}

export function readBaseline(file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScannerError(`cannot read the baseline ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const b = data as Partial<Baseline>;
  if (b?.version !== 1 || !Array.isArray(b.findings) || !b.findings.every((f) => typeof f?.id === 'string')) {
    throw new ScannerError(`${file} is not a Palisade scan baseline (version 1 with a findings list)`);
  }
  return b as Baseline;
}

export function newSince(findings: Finding[], baseline: Baseline): Finding[] {
  const known = new Set(baseline.findings.map((f) => f.id));
  return findings.filter((f) => !known.has(f.id));
}

/** Sorted by id, one finding per line in the diff a reviewer reads. */
export function baselineOf(findings: Finding[]): Baseline {
  return {
    version: 1,
    findings: findings.map((f) => ({ id: f.id, kind: f.kind, title: f.title, template: f.template })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

export function writeBaseline(file: string, findings: Finding[]): void {
  writeFileSync(file, `${JSON.stringify(baselineOf(findings), null, 2)}\n`);
}
