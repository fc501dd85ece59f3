/** The README says what the code does: tables and snippets that have a source are checked against it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@palisade/schema';
import { LOADER_SNIPPET } from '../packages/sdk/src/loader-snippet.js';
import { ROOT } from './helpers/processes.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'dist' || name === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the error catalogue', () => {
  it("is the README's error table, row for row", () => {
    const rows = [...README.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (yes|no) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3] === 'yes', m[4]]);
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, e]) => [code, e.status, e.retry, e.meaning]));
  });

  it('is the only way the relay answers with an error body', () => {
    const offenders = sources(join(ROOT, 'packages')).filter((path) => {
      const text = readFileSync(path, 'utf8');
      return /apiError\(/.test(text) && !path.endsWith('schema/src/errors.ts') && !path.endsWith('relay/src/http-errors.ts');
    });
    expect(offenders).toEqual([]);
  });
});

describe('the scanner section', () => {
  it('names every option palisade scan takes, and every finding kind', async () => {
    const { COMMANDS } = await import('../packages/cli/src/help.js');
    const section = README.slice(README.indexOf('## Scanning in CI'), README.indexOf('## What a destination receives'));
    for (const option of COMMANDS.scan!.options) expect({ option, documented: README.includes(`--${option}`) }).toEqual({ option, documented: true });
    const kinds = [...section.matchAll(/^\| `([a-z-]+)`(?:, `([a-z-]+)`)?(?:, `([a-z-]+)`)? \|/gm)].flatMap((m) => m.slice(1).filter(Boolean));
    const source = readFileSync(join(ROOT, 'packages/scanner/src/types.ts'), 'utf8');
    const declared = [
      ...source
        .slice(source.indexOf('export type FindingKind'))
        .split(';')[0]!
        .matchAll(/'([a-z-]+)'/g),
    ].map((m) => m[1]);
    expect(kinds.sort()).toEqual(declared.sort());
  });
});

describe('the async loader snippet', () => {
  it('is in the README exactly as the SDK defines and tests it', () => {
    expect(README).toContain(`<script>${LOADER_SNIPPET}</script>`);
  });
});

describe('the repository documents itself', () => {
  const DOCS = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'docs/architecture.md'];

  it('has its architecture, license, security and contributing documents, and the README links them', () => {
    for (const doc of [...DOCS, 'LICENSE']) expect(statSync(join(ROOT, doc)).size).toBeGreaterThan(500);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License');
    for (const doc of ['docs/architecture.md', 'CONTRIBUTING.md', 'SECURITY.md', 'LICENSE']) expect(README).toContain(`](${doc})`);
  });

  it('links only to files inside the repository that exist', () => {
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^(https?|mailto):/.test(target!)) continue;
        const path = join(ROOT, doc, '..', target!);
        expect({ doc, target, inside: path.startsWith(join(ROOT, '/')) }).toEqual({ doc, target, inside: true });
        expect({ doc, target, exists: statSync(path, { throwIfNoEntry: false }) !== undefined }).toEqual({ doc, target, exists: true });
      }
      expect({ doc, outside: /\.\.\/shared|DESIGN\.md/.test(text) }).toEqual({ doc, outside: false });
    }
  });
});

describe("the README's CLI section", () => {
  it('names only commands some test runs', () => {
    const section = README.slice(README.indexOf('\n## CLI'));
    const start = section.indexOf('```\n') + 4;
    const block = section.slice(start, section.indexOf('```', start));
    const commands = [...block.matchAll(/^palisade ([a-z]+(?: [a-z]+)?|--version)/gm)].map((m) => m[1]!.split(' '));
    expect(commands.length).toBeGreaterThan(10);
    const tests = readdirSync(join(ROOT, 'test'))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(ROOT, 'test', f), 'utf8'))
      .join('\n');
    // A test runs a command by passing its words, in order, as arguments: `['dlq', 'replay', ...`.
    const untested = commands.filter((words) => !tests.includes(words.map((w) => `'${w}'`).join(', '))).map((words) => words.join(' '));
    expect(untested).toEqual([]);
  });
});
