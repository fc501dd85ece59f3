#!/usr/bin/env node
/** The `palisade` command. Errors print one line (or one line per config problem) and exit 1. */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { cspHeaders, databasePath, generateKey, loadConfigFile, migrateDatabaseFile } from '@palisade/relay';
import { ScannerError } from '@palisade/scanner';
import { CliError } from './cli-error.js';
import { checkConfig, schemaText } from './commands/config.js';
import { formatDeadLetters, formatDeliveries, listDeadLetters, listDeliveries, replayDeadLetters } from './commands/dlq.js';
import { formatTrackers, listTrackers } from './commands/trackers.js';
import { formatDefinitionTest, readDefinitions, testDefinitions } from './commands/definitions.js';
import { runGtmImport } from './commands/gtm.js';
import { GtmImportError } from '@palisade/gtm';
import { formatProblems, parseTrustProxy, runRelay } from './commands/relay.js';
import { askInit, checkAnswers, runInit } from './commands/init.js';
import { runSandbox } from './commands/sandbox.js';
import { runScan } from './commands/scan.js';
import { runStart } from './commands/start.js';
import { COMMANDS, checkOptions, commandHelp, overview } from './help.js';
import { prepareKeys } from './keys.js';
import { cliVersion } from './version.js';

const env = process.env as Record<string, string | undefined>;
const say = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

function port(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`invalid port ${value}`);
  return n;
}

/** The entries whose value is set (optional properties stay absent rather than undefined). */
function definedOnly<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}

/** dlq filters by one destination at most. */
function oneDestination(values: string[] | undefined): string | undefined {
  if (values && values.length > 1) throw new CliError('give one --destination');
  return values?.[0];
}

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    note(`${signal}: stopping`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'sandbox-port': { type: 'string' },
      'data-dir': { type: 'string' },
      site: { type: 'string' },
      destination: { type: 'string', multiple: true },
      origin: { type: 'string', multiple: true },
      relay: { type: 'string' },
      'trust-proxy': { type: 'string' },
      'ga4-measurement-id': { type: 'string' },
      'webhook-url': { type: 'string' },
      sandbox: { type: 'string' },
      'consent-default': { type: 'string' },
      dir: { type: 'string' },
      production: { type: 'boolean' },
      force: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      id: { type: 'string', multiple: true },
      event: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      enforce: { type: 'boolean' },
      'report-only': { type: 'boolean' },
      pages: { type: 'string' },
      depth: { type: 'string' },
      sitemap: { type: 'string' },
      login: { type: 'string' },
      'storage-state': { type: 'string' },
      consent: { type: 'string' },
      'consent-hook': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'relay-admin': { type: 'string' },
      token: { type: 'string' },
      clicks: { type: 'string' },
      baseline: { type: 'string' },
      'update-baseline': { type: 'boolean' },
      junit: { type: 'string' },
      html: { type: 'string' },
      har: { type: 'string' },
      chromium: { type: 'string' },
      out: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  const [command, sub, arg] = positionals;
  const dataDir = values['data-dir'] ?? env.PALISADE_DATA_DIR ?? '.palisade';
  if (values.version) {
    say(cliVersion());
    return 0;
  }
  if (command === undefined || (command === 'help' && sub === undefined)) {
    say(overview());
    return 0;
  }
  if (command === 'help' || values.help) {
    say(commandHelp(command === 'help' ? (sub as string) : command));
    return 0;
  }
  if (!COMMANDS[command]) throw new CliError(`unknown command ${command}; run palisade --help`);
  checkOptions(command, values);
  /** Commands that read the data directory use the keys in it, and never create either. */
  const existingData = () => {
    if (!existsSync(databasePath(dataDir))) throw new CliError(`no Palisade data in ${dataDir} (set --data-dir or PALISADE_DATA_DIR)`);
    return prepareKeys(env, dataDir, note, { create: false });
  };
  switch (command) {
    case 'start': {
      const demo = await runStart({
        dataDir,
        host: values.host ?? '127.0.0.1',
        port: port(values.port ?? env.PORT, 8787),
        sandboxPort: port(values['sandbox-port'], 8789),
        env,
        log: say,
      });
      onSignals(demo.stop);
      return -1;
    }
    case 'init': {
      const given = {
        origins: values.origin ?? [],
        relay: values.relay,
        destinations: values.destination ?? [],
        ga4MeasurementId: values['ga4-measurement-id'],
        webhookUrl: values['webhook-url'],
        sandbox: values.sandbox,
        consentDefault: values['consent-default'],
      };
      const answers = checkAnswers(values.yes ? given : await askInit(given, process.stdin, process.stdout));
      const result = runInit(answers, { dir: values.dir ?? '.', dataDir: values['data-dir'], production: values.production ?? false, force: values.force ?? false });
      for (const line of result.lines) say(line);
      return 0;
    }
    case 'sandbox': {
      const sandbox = await runSandbox({ host: values.host ?? '127.0.0.1', port: port(values.port, 8789), env, log: say });
      onSignals(sandbox.stop);
      return -1;
    }
    case 'relay': {
      const configPath = values.config ?? env.PALISADE_CONFIG;
      if (!configPath) throw new CliError('relay needs --config FILE (or PALISADE_CONFIG)');
      const trustProxy = values['trust-proxy'] ?? env.PALISADE_TRUST_PROXY;
      const relay = await runRelay({
        configPath,
        dataDir,
        host: values.host ?? '0.0.0.0',
        port: port(values.port ?? env.PORT, 8787),
        env,
        log: note,
        ...(values.site ? { siteDir: values.site } : {}),
        ...(trustProxy !== undefined ? { trustProxy: parseTrustProxy(trustProxy) } : {}),
      });
      onSignals(relay.stop);
      return -1;
    }
    case 'config': {
      if (sub === 'schema') {
        process.stdout.write(schemaText());
        return 0;
      }
      if (sub === 'check') {
        const file = arg ?? values.config ?? env.PALISADE_CONFIG;
        if (!file) throw new CliError('config check needs a FILE');
        const result = checkConfig(file, env);
        if (values.json) say(JSON.stringify(result, null, 2));
        else {
          for (const w of result.warnings) note(`warning: ${w}`);
          for (const n of result.notices) say(`note: ${n}`);
          for (const e of result.errors) say(e);
          if (result.ok) say(`${file}: ok`);
        }
        return result.ok ? 0 : 1;
      }
      throw new CliError('usage: palisade config check FILE | palisade config schema');
    }
    case 'keys': {
      if (sub !== 'generate') throw new CliError('usage: palisade keys generate');
      say(`PALISADE_MASKING_KEY=${generateKey()}`);
      say(`PALISADE_DATA_KEY=${generateKey()}`);
      note('Store these in your secret manager; losing the data key makes queued events unreadable.');
      return 0;
    }
    case 'dlq': {
      if (sub !== 'list' && sub !== 'replay' && sub !== 'log') throw new CliError('usage: palisade dlq list|replay|log');
      const dataKey = existingData();
      if (sub === 'log') {
        const limit = values.limit === undefined ? 100 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError(`invalid --limit ${values.limit}: 1 to 10000`);
        const destination = oneDestination(values.destination);
        const filter = { limit, ...(destination ? { destinationId: destination } : {}), ...(values.event ? { eventId: values.event } : {}) };
        const rows = await listDeliveries(dataDir, dataKey, filter);
        say(values.json ? JSON.stringify(rows, null, 2) : formatDeliveries(rows));
        return 0;
      }
      if (sub === 'list') {
        const rows = await listDeadLetters(dataDir, dataKey, oneDestination(values.destination));
        say(values.json ? JSON.stringify(rows, null, 2) : formatDeadLetters(rows));
        return 0;
      }
      if (sub === 'replay') {
        const ids = values.id?.map((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1) throw new CliError(`invalid --id ${v}`);
          return n;
        });
        const destination = oneDestination(values.destination);
        const filter = { ...(destination ? { destinationId: destination } : {}), ...(ids ? { ids } : {}) };
        const n = await replayDeadLetters(dataDir, dataKey, filter);
        say(`replayed ${n} dead letter${n === 1 ? '' : 's'}; the relay delivers them within a second`);
        return 0;
      }
      throw new CliError('usage: palisade dlq list|replay|log');
    }
    case 'db': {
      if (sub !== 'migrate') throw new CliError('usage: palisade db migrate [--data-dir DIR]');
      const path = databasePath(dataDir);
      if (!existsSync(path)) throw new CliError(`no Palisade data in ${dataDir} (set --data-dir or PALISADE_DATA_DIR)`);
      const result = migrateDatabaseFile(path);
      for (const m of result.applied) say(`applied ${m.version}: ${m.name}`);
      say(`schema at version ${result.version}${result.applied.length === 0 ? '; nothing to apply' : ''}`);
      return 0;
    }
    case 'csp': {
      const file = values.config ?? env.PALISADE_CONFIG;
      if (!file) throw new CliError('csp needs --config FILE (or PALISADE_CONFIG)');
      const loaded = loadConfigFile(file);
      if (!loaded.ok) throw new CliError(`invalid config ${file}:\n${formatProblems(loaded.problems)}`);
      const browser = loaded.config.browser;
      const mode = values.enforce ? 'enforce' : values['report-only'] ? 'report-only' : browser.csp.mode;
      const headers = cspHeaders({ ...browser, csp: { ...browser.csp, mode } });
      say(`${headers.name}: ${headers.value}`);
      const endpoints = headers.reportingEndpoints(browser.relayOrigin ?? 'https://<your site>');
      if (endpoints) say(`Reporting-Endpoints: ${endpoints}`);
      if (browser.csp.inlineScripts) {
        note(
          "note: 'unsafe-inline' lets any injected inline script run. If your server can, send a fresh random nonce with each page instead: " +
            "replace 'unsafe-inline' with 'nonce-<value>' and add nonce=\"<value>\" to your own inline <script> tags (never to speculation rules). " +
            'Pages served by `palisade relay --site` get this automatically.',
        );
      }
      return 0;
    }
    case 'scan': {
      // Whatever stops a scan exits 2 (1 means findings), in one line.
      return runScan({
        urls: positionals.slice(1),
        allowOrigins: values['allow-origin'] ?? [],
        updateBaseline: values['update-baseline'] ?? false,
        json: values.json ?? false,
        chromiumArgs: env.PALISADE_SCAN_CHROMIUM_ARGS ? env.PALISADE_SCAN_CHROMIUM_ARGS.trim().split(/\s+(?=--)/) : [],
        interactive: process.stderr.isTTY === true && !env.CI,
        out: say,
        err: (text) => process.stderr.write(text),
        ...definedOnly({
          pages: values.pages,
          depth: values.depth,
          sitemap: values.sitemap,
          login: values.login,
          storageState: values['storage-state'],
          consent: values.consent,
          consentHook: values['consent-hook'],
          relay: values.relay,
          relayAdmin: values['relay-admin'],
          token: values.token ?? env.PALISADE_ADMIN_TOKEN,
          baseline: values.baseline,
          junit: values.junit,
          html: values.html,
          har: values.har,
          chromium: values.chromium,
          clicks: values.clicks,
        }),
      }).catch((error: Error) => {
        note(`palisade: ${String(error.message ?? error).split('\n')[0]}`);
        return 2;
      });
    }
    case 'gtm': {
      if (sub !== 'import' || arg === undefined) throw new CliError('usage: palisade gtm import EXPORT.json [--out FILE] [--report FILE.html|FILE.md] [--json]');
      try {
        return runGtmImport({
          file: arg,
          json: values.json ?? false,
          origins: values.origin ?? [],
          force: values.force ?? false,
          say,
          note,
          ...definedOnly({ out: values.out, report: values.report, sandbox: values.sandbox }),
        });
      } catch (error) {
        // Input the importer cannot take exits 2 in one line, as a scan that cannot run does.
        if (error instanceof GtmImportError) {
          note(`palisade: ${error.message}`);
          return 2;
        }
        throw error;
      }
    }
    case 'definitions': {
      if (sub !== 'test' || arg === undefined) throw new CliError('usage: palisade definitions test FILE [--relay URL] [--token T] [--json]');
      const result = await testDefinitions(readDefinitions(arg), values.relay ?? 'http://127.0.0.1:8787', values.token ?? env.PALISADE_ADMIN_TOKEN);
      say(values.json ? JSON.stringify(result, null, 2) : formatDefinitionTest(result));
      return 0;
    }
    case 'trackers': {
      const rows = await listTrackers(dataDir, existingData());
      say(values.json ? JSON.stringify(rows, null, 2) : formatTrackers(rows));
      return 0;
    }
    default:
      throw new CliError(`unknown command ${command}; run palisade --help`);
  }
}

/**
 * Exits once stdout and stderr are flushed: a pipe is written asynchronously, and exiting at once
 * cut `palisade trackers --json | jq` at the pipe's 64 KB buffer.
 */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) exitAfterFlush(code);
  },
  (error: unknown) => {
    if (error instanceof CliError || error instanceof ScannerError) note(`palisade: ${error.message}`);
    else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) note(`palisade: ${(error as Error).message}`);
    else if ((error as { code?: string }).code === 'EADDRINUSE') note(`palisade: port already in use (${(error as Error).message.split(' ').pop()})`);
    else note(`palisade: ${(error as Error).message}`);
    // A scan that could not run exits 2, so CI tells it from a scan that found something (1).
    exitAfterFlush(process.argv.slice(2).find((a) => !a.startsWith('-')) === 'scan' ? 2 : 1);
  },
);
