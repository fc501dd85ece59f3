#!/usr/bin/env node
// `npm run bench:sdk`: only the browser SDK table.
import { fileURLToPath } from 'node:url';
import { printSdkTable, runSdkBench } from './sdk-bench.mjs';

printSdkTable(await runSdkBench(fileURLToPath(new URL('..', import.meta.url))));
