#!/usr/bin/env node
// Event definitions and the GTM importer, in process on one core: what a definition costs per
// event at ingest (the relay checks every autotrack event against every definition), on element
// chains recorded from the demo site and on the longest hostile chain the relay accepts, and how
// long `palisade gtm import` takes. Prints a table; nothing here asserts on time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const load = (path) => import(pathToFileURL(join(root, path)).href);

/** Chains recorded from the demo site (Chromium, `palisade start`). */
const CHAINS = [
  'a:nth-of-type(4)[href=/book.html] < div.bar:nth-of-type(1) < header:nth-of-type(1) < body:nth-of-type(1)',
  'a.btn:nth-of-type(1)[href=/book.html] < p:nth-of-type(1) < main:nth-of-type(1) < body:nth-of-type(1)',
  'button#consent-allow-ads.btn:nth-of-type(1) < aside.consent-bar:nth-of-type(1) < body:nth-of-type(1)',
  'button#book-submit.btn:nth-of-type(1)[type=submit] < form#appointment.stack:nth-of-type(1) < main:nth-of-type(1) < body:nth-of-type(1)',
  'button.btn:nth-of-type(2)[role=tab] < div.tabs:nth-of-type(1)[role=tablist] < main:nth-of-type(1) < body:nth-of-type(1)',
];

function timed(fn, seconds = 2) {
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) n += fn();
  return ((performance.now() - start) * 1e6) / n; // ns per unit
}

export async function runDefinitionsBench() {
  const schema = await load('packages/schema/dist/index.js');
  const defs = await load('packages/relay/dist/pipeline/definitions.js');
  const gtm = await load('packages/gtm/dist/index.js');
  const exportText = readFileSync(join(root, 'examples/gtm/riverbend-container.json'), 'utf8');
  const imported = gtm.importContainer(gtm.readExport(exportText), { writeKey: 'pk_bench_0123456789' });
  const definitions = schema.definitionsSchema.parse(imported.config.definitions);
  // Twenty more a site might write by hand, most of which a given click does not match.
  const extra = Array.from({ length: 20 }, (_, i) => ({
    name: `Extra ${i}`,
    on: 'click',
    selector: `main section.s${i} > div a.cta[href^="/p${i}"]`,
    text: `*offer ${i}*`,
    url: `/landing/${i}*`,
  }));
  const many = schema.definitionsSchema.parse([...definitions, ...extra]);
  const message = (chain, i) => ({
    type: 'track',
    event: '$click',
    messageId: `m${i}`,
    anonymousId: 'a',
    properties: { $elements: chain, $text: 'Book an appointment' },
    context: { page: { path: '/find-a-doctor.html', url: 'https://clinic.example/find-a-doctor.html' } },
  });
  const messages = Array.from({ length: 1000 }, (_, i) => message(CHAINS[i % CHAINS.length], i));
  const perEvent = (compiled, list) =>
    timed(() => {
      for (const m of list) defs.matchingDefinitions(m, compiled);
      return list.length;
    });
  const imported6 = defs.compileDefinitions(definitions);
  const compiled26 = defs.compileDefinitions(many);
  // The longest chain the relay reads (12 elements, 4 KB), against 16-compound descendant selectors.
  const longClass = (i, k) => `c${k}${'x'.repeat(52)}${i}`;
  const hostileChain = Array.from({ length: 12 }, (_, i) => `div#d${i}${[0, 1, 2, 3, 4].map((k) => `.${longClass(i, k)}`).join('')}:nth-of-type(1)[name=n${i}][role=r]`).join(
    ' < ',
  );
  if (
    hostileChain.length > 4096 ||
    defs.matchingDefinitions(message(hostileChain, 0), defs.compileDefinitions(schema.definitionsSchema.parse([{ name: 'Any', on: 'click', selector: 'div' }]))).length !== 1
  ) {
    throw new Error('the hostile chain must be one the relay reads');
  }
  const hostileDefs = defs.compileDefinitions(
    schema.definitionsSchema.parse(Array.from({ length: 16 }, (_, i) => ({ name: `H${i}`, on: 'click', selector: `${Array(11).fill('div').join(' ')} div.nomatch` }))),
  );
  const hostile = Array.from({ length: 200 }, (_, i) => message(hostileChain, i));
  const pageviews = Array.from({ length: 1000 }, (_, i) => ({
    type: 'page',
    messageId: `p${i}`,
    anonymousId: 'a',
    context: { page: { path: '/book.html', url: 'https://clinic.example/book.html' } },
  }));
  const noDefinitions = timed(() => defs.withDefinitions(messages, []).length);
  const bigContainer = JSON.parse(exportText);
  const tags = bigContainer.containerVersion.tag;
  for (let i = 0; bigContainer.containerVersion.tag.length < 500; i++)
    bigContainer.containerVersion.tag.push({ ...tags[i % 23], tagId: `x${i}`, name: `${tags[i % 23].name} copy ${i}` });
  const bigText = JSON.stringify(bigContainer);
  const importMs = (text) =>
    timed(() => {
      gtm.importContainer(gtm.readExport(text), { writeKey: 'pk_bench_0123456789' });
      return 1;
    }, 2) / 1e6;
  return {
    definitionsImported: definitions.length,
    nsPerClick6: perEvent(imported6, messages),
    nsPerClick26: perEvent(compiled26, messages),
    nsPerPageview26: perEvent(compiled26, pageviews),
    nsPerHostileClick: perEvent(hostileDefs, hostile),
    nsPerEventNoDefinitions: noDefinitions,
    importMs: importMs(exportText),
    importBytes: exportText.length,
    bigImportMs: importMs(bigText),
    bigImportBytes: bigText.length,
  };
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printDefinitionsTable(r) {
  console.log('\nEvent definitions at ingest and GTM import (in process, one core)\n');
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(`| ingest without definitions (withDefinitions passes the batch through) | ${fmt(r.nsPerEventNoDefinitions, 1)} ns/event |`);
  console.log(`| a recorded demo click against the ${r.definitionsImported} definitions imported from the demo container | ${fmt(r.nsPerClick6 / 1000, 2)} µs/event |`);
  console.log(`| a recorded demo click against ${r.definitionsImported + 20} definitions (selector, text and url each) | ${fmt(r.nsPerClick26 / 1000, 2)} µs/event |`);
  console.log(`| a page view against the same ${r.definitionsImported + 20} definitions | ${fmt(r.nsPerPageview26 / 1000, 2)} µs/event |`);
  console.log(`| hostile: a 12-element 4 KB chain against 16 definitions of 12 descendant compounds that fail last | ${fmt(r.nsPerHostileClick / 1000, 1)} µs/event |`);
  console.log(`| gtm import, the demo container (23 tags, ${fmt(r.importBytes / 1024, 0)} KB) | ${fmt(r.importMs, 2)} ms |`);
  console.log(`| gtm import, 500 tags (${fmt(r.bigImportBytes / 1024, 0)} KB) | ${fmt(r.bigImportMs, 1)} ms |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printDefinitionsTable(await runDefinitionsBench());
