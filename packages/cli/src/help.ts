/**
 * What each command takes and says about itself: `palisade --help`, `palisade help COMMAND`,
 * `palisade COMMAND --help`, and the check that refuses an option the command does not take (a
 * typo'd or misplaced flag is an error, not silently ignored).
 */
import { CliError } from './cli-error.js';

export interface CommandHelp {
  /** Usage lines, without the leading `palisade `. */
  usage: string[];
  /** What it does, in a sentence or two. */
  about: string;
  /** Long option names it takes (besides --help). */
  options: string[];
}

export const COMMANDS: Record<string, CommandHelp> = {
  start: {
    usage: ['start [--port 8787] [--sandbox-port 8789] [--host 127.0.0.1] [--data-dir .palisade]'],
    about: 'The demo: the relay serving the demo clinic site, and the vendor sandbox. Development keys are generated once into the data directory (mode 0600).',
    options: ['port', 'sandbox-port', 'host', 'data-dir'],
  },
  init: {
    usage: [
      'init [--origin URL ...] [--relay URL] [--destination ga4|webhook ...] [--ga4-measurement-id G-...] [--webhook-url URL]',
      '     [--sandbox URL] [--consent-default analytics] [--dir .] [--data-dir DIR] [--production] [--force] [--yes]',
    ],
    about:
      "Sets Palisade up for your own site: writes palisade.config.yaml (checked before it is written), development keys into DIR/.palisade (mode 0600; with --production it prints keys for your secret manager instead), and prints the script tag, the CSP header and the command that runs the relay. Asks for what the flags do not give; --yes asks nothing. --relay is where browsers reach the relay when it is not behind your site's own origin; --sandbox points the destinations at `palisade sandbox`.",
    options: ['origin', 'relay', 'destination', 'ga4-measurement-id', 'webhook-url', 'sandbox', 'consent-default', 'dir', 'data-dir', 'production', 'force', 'yes'],
  },
  sandbox: {
    usage: ['sandbox [--port 8789] [--host 127.0.0.1]'],
    about:
      'A stand-in for the vendors on your machine: records what the relay would send to GA4 (/ga4) and webhooks (/webhook/site, verified with WEBHOOK_SECRET) and shows it at its address. Nothing leaves the machine.',
    options: ['port', 'host'],
  },
  relay: {
    usage: ['relay --config FILE [--port 8787] [--host 0.0.0.0] [--data-dir DIR] [--site DIR] [--trust-proxy ADDR,...]'],
    about:
      'Runs the relay. Keys come from PALISADE_MASKING_KEY and PALISADE_DATA_KEY (generated into the data directory outside production). --site also serves a website from DIR. --trust-proxy names the reverse proxies (IPs or CIDR ranges) whose X-Forwarded-For gives the visitor address (or PALISADE_TRUST_PROXY). The config reloads when the file changes and on SIGHUP.',
    options: ['config', 'port', 'host', 'data-dir', 'site', 'trust-proxy'],
  },
  config: {
    usage: ['config check FILE [--json]', 'config schema'],
    about: 'check validates a config file and prints every problem with its path (exit 1 on any error); schema prints the JSON Schema for editors.',
    options: ['json', 'config'],
  },
  keys: {
    usage: ['keys generate'],
    about: 'Prints a new masking key and a new data key, for your secret manager.',
    options: [],
  },
  dlq: {
    usage: [
      'dlq list [--destination ID] [--json] [--data-dir DIR]',
      'dlq replay [--destination ID] [--id N ...] [--data-dir DIR]',
      'dlq log [--destination ID] [--event EVENT_ID] [--limit 100] [--json] [--data-dir DIR]',
    ],
    about:
      'Dead letters: events a destination refused or never accepted, with the reason code. replay queues them again; the relay delivers them under the policy in force. log is the delivery log, newest first: each event delivered (with the consent fields it was sent with and why), dropped before sending (and why) or dead-lettered.',
    options: ['destination', 'json', 'id', 'event', 'limit', 'data-dir'],
  },
  csp: {
    usage: ['csp --config FILE [--enforce | --report-only]'],
    about: "Prints the Content-Security-Policy headers for the site's pages, built from the config's browser policy.",
    options: ['config', 'enforce', 'report-only'],
  },
  db: {
    usage: ['db migrate [--data-dir DIR]'],
    about: "Brings the database to this release's schema (the relay also does it when it starts).",
    options: ['data-dir'],
  },
  trackers: {
    usage: ['trackers [--json] [--data-dir DIR]'],
    about: 'The third parties your pages tried to contact, from CSP reports and the pixel guard.',
    options: ['json', 'data-dir'],
  },
  scan: {
    usage: [
      'scan URL... [--pages 20] [--depth 2] [--sitemap URL] [--login SCRIPT | --storage-state FILE] [--consent denied,granted,gpc]',
      '     [--consent-hook SCRIPT] [--allow-origin ORIGIN[=CATEGORY] ...] [--relay URL] [--relay-admin URL --token T] [--clicks 5]',
      '     [--baseline FILE [--update-baseline]] [--json] [--junit FILE] [--html FILE] [--har FILE] [--chromium PATH]',
    ],
    about:
      "Loads the site's pages in Chromium under each consent state, acts like a visitor (scrolls, clicks, fills every form with made-up values unique to the run) and reports every request to a third party, every made-up value that left the browser (in clear, encoded or hashed), third-party cookies and connection hints, a missing or late Palisade tag, a missing or weak Content-Security-Policy, and PHI-collecting page code. --relay-admin also checks what the relay forwarded (token from --token or PALISADE_ADMIN_TOKEN). Exit 0 clean, 1 findings (not in the baseline), 2 the scan could not run.",
    options: [
      'pages',
      'depth',
      'sitemap',
      'login',
      'storage-state',
      'consent',
      'consent-hook',
      'allow-origin',
      'relay',
      'relay-admin',
      'token',
      'clicks',
      'baseline',
      'update-baseline',
      'json',
      'junit',
      'html',
      'har',
      'chromium',
    ],
  },
  gtm: {
    usage: ['gtm import EXPORT.json [--out palisade.config.yaml] [--report migration.html|migration.md] [--json] [--origin URL ...] [--sandbox URL] [--force]'],
    about:
      'Turns a GTM web container export (Admin > Export Container) into a Palisade config and a migration report: GA4, Google Ads, Meta, TikTok, LinkedIn and Microsoft tags become server-side destinations in HIPAA mode, triggers become page views, data layer events and event definitions, and every parameter is masked or dropped unless it is known to be safe. Critical PHI (user-provided data, advanced matching) is flagged. Without --out the config goes to stdout. Nothing in the container is run. Exit 2 when the file is not a web container export.',
    options: ['out', 'report', 'json', 'origin', 'sandbox', 'force'],
  },
  definitions: {
    usage: ['definitions test FILE [--relay http://127.0.0.1:8787] [--token T] [--json]'],
    about:
      "Shows what the event definitions in FILE (a config, or a file with a definitions: list) would match among the relay's latest autotrack events (the newest 1,000, kept in memory when admin.token is set), and the element chains no definition matches. The relay does the matching: only event names, element chains and page templates come back, never clicked text or values. Token from --token or PALISADE_ADMIN_TOKEN.",
    options: ['relay', 'token', 'json'],
  },
  help: {
    usage: ['help [COMMAND]'],
    about: 'This overview, or one command in detail.',
    options: [],
  },
};

const ENVIRONMENT = 'Environment: PALISADE_CONFIG, PALISADE_MASKING_KEY, PALISADE_DATA_KEY, PALISADE_DATA_DIR, PALISADE_ADMIN_TOKEN, PORT, NODE_ENV';

export function overview(): string {
  const lines = ['palisade: first-party analytics relay that keeps PHI away from vendors', '', 'Usage:'];
  for (const help of Object.values(COMMANDS)) for (const usage of help.usage) lines.push(`  palisade ${usage}`);
  lines.push('  palisade --version', '', 'Run palisade help COMMAND for one command in detail.', ENVIRONMENT);
  return lines.join('\n');
}

export function commandHelp(name: string): string {
  const help = COMMANDS[name];
  if (!help) throw new CliError(`unknown command ${name}; run palisade --help`);
  return [...help.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}palisade ${u}`), '', help.about].join('\n');
}

/** Options that contradict each other: at most one of each group. */
const EXCLUSIVE = [['enforce', 'report-only']];

/** Throws a CliError for an option `command` does not take, or two that contradict each other. */
export function checkOptions(command: string, given: Record<string, unknown>): void {
  const allowed = new Set([...(COMMANDS[command]?.options ?? []), 'help']);
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && !allowed.has(name)) throw new CliError(`palisade ${command} does not take --${name}; run palisade help ${command}`);
  }
  for (const group of EXCLUSIVE) {
    const set = group.filter((name) => given[name] !== undefined);
    if (set.length > 1) throw new CliError(`${set.map((n) => `--${n}`).join(' and ')} contradict each other; give one`);
  }
}
