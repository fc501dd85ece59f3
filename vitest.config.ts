import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Unit tests run against the sources; end-to-end tests spawn the built CLI (npm test builds first).
    alias: {
      '@palisade/schema': src('schema'),
      '@palisade/relay': src('relay'),
      '@palisade/vendor-sandbox': src('vendor-sandbox'),
      '@palisade/sdk': src('sdk'),
      '@palisade/scanner': src('scanner'),
      '@palisade/gtm': src('gtm'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end tests start processes and browsers on a 2-core machine that runs them in parallel.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
