#!/usr/bin/env node
/**
 * The `palisade` command as npm links it. This file is committed, so the link works right after
 * `npm install`, before anything is compiled: when the compiled CLI is missing, it builds the
 * packages once (its output goes to stderr, so a piped `--json` stays clean), then runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  process.stderr.write('palisade: first run: building the packages (npm run build)\n');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write('palisade: the build failed; run `npm run build` to see why\n');
    process.exit(1);
  }
}
await import(compiled.href);
