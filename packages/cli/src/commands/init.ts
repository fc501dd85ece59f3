/**
 * `palisade init`: a config for the user's own site, keys, and the exact lines to add to the
 * site (the script tag, the CSP header, the reverse-proxy routes) and the next command to run.
 *
 * The answers come from flags (`--yes`) or from prompts; both end in the same `InitAnswers`,
 * checked here once. The config is written as commented YAML so that it explains itself, and is
 * validated with the relay's own loader before anything is written.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { cspHeaders, generateKey, parseConfigText } from '@palisade/relay';
import { isPlainOrigin } from '@palisade/schema';
import { CliError } from '../cli-error.js';
import { loadOrCreateDevKeys } from '../keys.js';
import { formatProblems } from './relay.js';

export const INIT_DESTINATIONS = ['ga4', 'webhook'] as const;
export type InitDestination = (typeof INIT_DESTINATIONS)[number];
const CATEGORIES = ['analytics', 'advertising', 'functional'] as const;

export interface InitAnswers {
  /** The site's origins (`https://www.clinic.example`). */
  origins: string[];
  /** Where browsers reach the relay: one of `origins` (behind the site's reverse proxy) or its own origin. */
  relay: string;
  destinations: InitDestination[];
  ga4MeasurementId?: string;
  webhookUrl?: string;
  /** Point the destinations at a vendor sandbox (`palisade sandbox`) instead of the vendors. */
  sandbox?: string;
  consentDefault: string[];
}

/** An origin as a browser sends it: scheme, host and port, nothing else. */
export function parseOrigin(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`${what} ${JSON.stringify(text)} is not a URL; write it as https://www.clinic.example`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CliError(`${what} ${JSON.stringify(text)} must start with https:// (or http:// for a local test)`);
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new CliError(
      `${what} ${JSON.stringify(text)} must be an origin (scheme, host and port) without a path: ${url.origin}. ` +
        'A relay behind your site is reached at the root of your origin: forward /palisade.js, /palisade.*.js and /v1/ to it',
    );
  }
  // The origin goes into the config, the CSP header and the script tag: a host the URL parser
  // admits with `"` or `;` in it would break out of an attribute or a directive.
  if (!isPlainOrigin(url.origin)) throw new CliError(`${what} ${JSON.stringify(text)} has a host name with characters a DNS name cannot have`);
  return url.origin;
}

/** Splits a list typed at a prompt or given as repeated flags: commas or spaces between items. */
export function splitList(values: string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,]+/)).filter((v) => v.length > 0);
}

/** Raw answers as flags give them; prompts fill in what is missing. */
export interface RawInitAnswers {
  origins: string[];
  relay?: string | undefined;
  destinations: string[];
  ga4MeasurementId?: string | undefined;
  webhookUrl?: string | undefined;
  sandbox?: string | undefined;
  consentDefault?: string | undefined;
}

/** Checks flags or prompt answers; every value that ends up in the config or the tag passes here. */
export function checkAnswers(raw: RawInitAnswers): InitAnswers {
  const origins = [...new Set(splitList(raw.origins).map((o) => parseOrigin(o, 'origin')))];
  if (origins.length === 0) throw new CliError('give your site with --origin https://www.clinic.example');
  const relay = raw.relay ? parseOrigin(raw.relay, '--relay') : origins[0]!;
  const destinations: InitDestination[] = [];
  for (const d of splitList(raw.destinations)) {
    if (!(INIT_DESTINATIONS as readonly string[]).includes(d)) throw new CliError(`unknown destination ${d}; init sets up ${INIT_DESTINATIONS.join(' and ')}`);
    if (!destinations.includes(d as InitDestination)) destinations.push(d as InitDestination);
  }
  const answers: InitAnswers = { origins, relay, destinations, consentDefault: [] };
  if (destinations.includes('ga4')) {
    const id = raw.ga4MeasurementId?.trim() ?? '';
    if (!/^G-[A-Z0-9]{4,20}$/.test(id)) throw new CliError('ga4 needs its measurement id: --ga4-measurement-id G-XXXXXXXXXX (GA4 Admin, Data streams)');
    answers.ga4MeasurementId = id;
  }
  if (destinations.includes('webhook')) {
    if (!raw.webhookUrl && !raw.sandbox) throw new CliError('webhook needs --webhook-url https://...');
    if (raw.webhookUrl) {
      let url: URL | undefined;
      try {
        url = new URL(raw.webhookUrl);
      } catch {}
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
        throw new CliError('--webhook-url must be an http(s) URL without credentials');
      // Events travel to the webhook in clear over http: only to this machine.
      if (url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new CliError('--webhook-url must use https (http only to this machine)');
      answers.webhookUrl = url.href;
    }
  }
  if (raw.sandbox) {
    const sandbox = parseOrigin(raw.sandbox, '--sandbox');
    answers.sandbox = sandbox;
  }
  const consent = splitList([raw.consentDefault ?? 'analytics']).filter((c) => c !== 'none');
  for (const c of consent) {
    if (!(CATEGORIES as readonly string[]).includes(c)) throw new CliError(`--consent-default takes ${CATEGORIES.join(', ')} or none, not ${c}`);
  }
  answers.consentDefault = [...new Set(consent)];
  return answers;
}

const yamlString = (s: string) => JSON.stringify(s);
const yamlList = (items: string[]) => `[${items.map(yamlString).join(', ')}]`;

/** A public write key: it names the environment in the script tag, so it only needs to be unguessable enough not to collide. */
export function newWriteKey(): string {
  return `pk_live_${randomBytes(12).toString('hex')}`;
}

function destinationYaml(answers: InitAnswers, type: InitDestination): string {
  const sandbox = answers.sandbox;
  if (type === 'ga4') {
    return `
  # Google Analytics 4 through the Measurement Protocol, server to server. Every identifier is an
  # HMAC (k1:...), the IP never leaves the relay, page URLs are reduced to path templates.
  - id: ga4
    type: ga4
    connection: server
    hipaa: { enabled: true }
    consent: analytics
    settings:
      measurementId: ${yamlString(answers.ga4MeasurementId!)}
      apiSecret: env:GA4_API_SECRET          # GA4 Admin, Data streams, Measurement Protocol API secrets
${sandbox ? `      endpoint: ${yamlString(`${sandbox}/ga4`)}   # the vendor sandbox; remove this line to send to Google\n` : ''}    allow:
      production:
        # Only what is listed here reaches GA4. Add your own events and the properties each may
        # carry (allow: in clear, mask: as an HMAC); everything else is dropped.
        events: [$pageview, $click, $submit]
        eventProperties: {}
`;
  }
  const url = sandbox ? `${sandbox}/webhook/site` : answers.webhookUrl!;
  return `
  # Your own endpoint, signed with WEBHOOK_SECRET (X-Palisade-Signature), under the same rules.
  - id: webhook
    type: webhook
    connection: server
    hipaa: { enabled: true }
    consent: analytics
    settings:
      url: ${yamlString(url)}${sandbox ? '   # the vendor sandbox' : ''}
      secret: env:WEBHOOK_SECRET
    allow:
      production:
        events: [$pageview, $click, $submit]
        eventProperties:
          $elements: allow      # the clicked element's scrubbed chain, never a value
          $text: allow          # link and button text, with emails and numbers removed
`;
}

export function initConfigYaml(answers: InitAnswers, writeKey: string, when = new Date()): string {
  const crossOrigin = !answers.origins.includes(answers.relay);
  return `# Palisade config for ${answers.origins.join(', ')}, written by \`palisade init\` on ${when.toISOString().slice(0, 10)}.
# Check it with \`npx palisade config check palisade.config.yaml\`; \`npx palisade config schema\`
# prints the JSON Schema for editors.
version: 1

environments:
  production:
    # Public: it goes in the script tag. Browsers of other origins are refused.
    writeKey: ${writeKey}
    allowedOrigins: ${yamlList(answers.origins)}

# The HMAC key exists only in the relay's process; each destination gets its own derived key.
masking:
  key: env:PALISADE_MASKING_KEY
  keyId: k1
  perDestination: true

privacy:
  keepQueryParams: [utm_source, utm_medium, utm_campaign]

# Prometheus scrapes /metrics with \`Authorization: Bearer <token>\`.
metrics:
  token: env:PALISADE_METRICS_TOKEN

# What the site's pages may contact: their own origin${crossOrigin ? ' and the relay' : ' (which serves the relay too)'}. Add a CDN or
# web fonts to allowOrigins, a video or map player to allowEmbeds. Start in report-only; switch
# to enforce when \`npx palisade trackers\` lists nothing you still need.
browser:
${crossOrigin ? `  relayOrigin: ${yamlString(answers.relay)}\n` : ''}  allowOrigins: []
  allowEmbeds: []
  csp: { mode: report-only, inlineScripts: true }

destinations:${answers.destinations.length === 0 ? ' []\n' : answers.destinations.map((d) => destinationYaml(answers, d)).join('')}`;
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };
/** Every value was checked already; escaping anyway keeps the tag well-formed whatever a check misses. */
const attribute = (name: string, value: string) => `${name}="${value.replace(/[&"<>]/g, (c) => ATTRIBUTE_ESCAPES[c]!)}"`;

export function scriptTag(answers: InitAnswers, writeKey: string): string {
  const crossOrigin = !answers.origins.includes(answers.relay);
  const attributes = [attribute('src', crossOrigin ? `${answers.relay}/palisade.js` : '/palisade.js'), attribute('data-write-key', writeKey)];
  if (crossOrigin) attributes.push(attribute('data-api', answers.relay));
  if (answers.consentDefault.length > 0) attributes.push(attribute('data-consent-default', answers.consentDefault.join(',')));
  return `<script ${attributes.join(' ')}></script>`;
}

export interface InitResult {
  configPath: string;
  /** What to tell the user, line by line. */
  lines: string[];
}

export interface InitOptions {
  dir: string;
  dataDir?: string | undefined;
  /** No keys on disk: print them for the secret manager instead. */
  production: boolean;
  force: boolean;
}

export function runInit(answers: InitAnswers, options: InitOptions): InitResult {
  const dir = resolve(options.dir);
  const configPath = join(dir, 'palisade.config.yaml');
  if (existsSync(configPath) && !options.force) throw new CliError(`${configPath} exists; pass --force to replace it`);
  const writeKey = newWriteKey();
  const yaml = initConfigYaml(answers, writeKey);
  // The relay's own loader has the last word: init never writes a config the relay would refuse.
  const parsed = parseConfigText(yaml);
  if (!parsed.ok) throw new CliError(`init built an invalid config (a bug; please report it):\n${formatProblems(parsed.problems)}`);

  const dataDir = resolve(options.dataDir ?? join(dir, '.palisade'));
  // The keys get a directory of their own, which init makes private (0700): never the site's
  // folder itself, a parent of it, or the home directory.
  if (dir === dataDir || dir.startsWith(`${dataDir}/`) || dataDir === resolve(process.env.HOME ?? '/nonexistent')) {
    throw new CliError(`--data-dir ${options.dataDir} must be a directory of its own for the keys, such as ${join(relative(process.cwd(), dir) || '.', '.palisade')}`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(configPath, yaml);
  const lines = [`wrote ${configPath}`];
  const relativeConfig = relative(process.cwd(), configPath) || configPath;
  const relativeData = relative(process.cwd(), dataDir) || dataDir;

  const secrets: string[] = [];
  // Placeholders are plain words: a `<...>` pasted into a shell would be read as a redirection.
  if (answers.destinations.includes('ga4')) secrets.push(answers.sandbox ? 'GA4_API_SECRET=sandbox' : 'GA4_API_SECRET=YOUR_MEASUREMENT_PROTOCOL_API_SECRET');
  if (options.production) {
    lines.push(
      '',
      'Keys for production: store these in your secret manager and give them to the relay as',
      'environment variables (losing PALISADE_DATA_KEY makes queued events unreadable):',
      `  PALISADE_MASKING_KEY=${generateKey()}`,
      `  PALISADE_DATA_KEY=${generateKey()}`,
      `  PALISADE_METRICS_TOKEN=${generateKey()}`,
    );
    if (answers.destinations.includes('webhook')) lines.push(`  WEBHOOK_SECRET=${generateKey()}   (your endpoint checks signatures with it)`);
  } else {
    const keys = loadOrCreateDevKeys(dataDir);
    lines.push(`wrote development keys to ${join(relativeData, 'dev-keys.json')} (mode 0600; never use them in production: run init --production)`);
    if (answers.destinations.includes('webhook')) secrets.push(`WEBHOOK_SECRET=${answers.sandbox ? keys.webhookSecret : 'THE_SECRET_YOUR_ENDPOINT_CHECKS'}`);
    // Nothing in the keys' directory is ever committed, whatever the project's own .gitignore says.
    writeFileSync(join(dataDir, '.gitignore'), '*\n');
    ignoreInGit(dir, dataDir);
  }

  const headers = cspHeaders(parsed.config.browser);
  const crossOrigin = !answers.origins.includes(answers.relay);
  lines.push(
    '',
    '1. Put this tag first in <head> on every page, before any other script:',
    '',
    `   ${scriptTag(answers, writeKey)}`,
    '',
    '2. Send this header with every page (report-only: it reports, it blocks nothing yet):',
    '',
    `   ${headers.name}: ${headers.value}`,
  );
  const endpoints = headers.reportingEndpoints(parsed.config.browser.relayOrigin ?? answers.origins[0]!);
  if (endpoints) lines.push(`   Reporting-Endpoints: ${endpoints}`);
  lines.push('');
  if (crossOrigin) {
    lines.push(`3. Run the relay where ${answers.relay} reaches it (TLS in front of it; it listens on :8787):`);
  } else {
    lines.push(
      `3. Run the relay and have your web server forward /palisade.js, /palisade.*.js and /v1/ on ${answers.relay} to it (see "Protect your own site" in the README for nginx and Caddy):`,
    );
  }
  // Behind the site's web server, the visitor's address is in X-Forwarded-For: believed only from
  // the server itself (on this machine here; its address if it runs elsewhere).
  const relayCommand = `npx palisade relay --config ${shellWord(relativeConfig)}${options.production ? '' : ` --data-dir ${shellWord(relativeData)}`}${crossOrigin ? '' : ' --trust-proxy 127.0.0.1'}`;
  if (answers.sandbox) {
    lines.push(
      '',
      `   ${secrets.filter((s) => s.startsWith('WEBHOOK_SECRET')).join(' ')}${secrets.some((s) => s.startsWith('WEBHOOK_SECRET')) ? ' ' : ''}npx palisade sandbox --port ${new URL(answers.sandbox).port || (answers.sandbox.startsWith('https:') ? '443' : '80')}   # in another terminal`,
    );
  }
  lines.push('', `   ${options.production ? 'NODE_ENV=production ' : ''}${secrets.join(' ')}${secrets.length > 0 ? ' ' : ''}${relayCommand}`, '');
  lines.push(
    answers.sandbox
      ? `4. Browse your site, then open ${answers.sandbox}/ to see exactly what each vendor would receive.`
      : '4. Browse your site; `npx palisade trackers` then lists every third party your pages tried to reach.',
  );
  return { configPath, lines };
}

/** A path as one shell word: quoted when it holds anything but plain path characters. */
function shellWord(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/** Adds the data directory to the project's .gitignore when there is one: keys never enter a repository. */
function ignoreInGit(dir: string, dataDir: string): void {
  const gitignore = join(dir, '.gitignore');
  if (!existsSync(gitignore)) return;
  const entry = `${relative(dir, resolve(dataDir)).split('\\').join('/')}/`;
  if (entry.startsWith('../')) return;
  const text = readFileSync(gitignore, 'utf8');
  if (text.split(/\r?\n/).some((line) => line.trim() === entry || line.trim() === entry.slice(0, -1))) return;
  appendFileSync(gitignore, `${text.endsWith('\n') || text === '' ? '' : '\n'}${entry}\n`);
}

/**
 * Asks for what the flags did not give, one question per line of input. Reads lines rather than
 * using readline's `question`, so answers piped in by a script work as typed ones do; an
 * unanswered question (end of input) takes its default.
 */
export async function askInit(given: RawInitAnswers, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<RawInitAnswers> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    output.write(`${question} `);
    const next = await lines.next();
    return next.done ? '' : String(next.value).trim();
  };
  try {
    const answers = { ...given };
    if (answers.origins.length === 0) answers.origins = [await ask("Your site's origin(s), e.g. https://www.clinic.example:")];
    if (answers.relay === undefined) {
      const relay = await ask(
        'Where will browsers reach the relay? Enter: behind your own site (your web server forwards /v1/ and /palisade.js to it); or its URL, e.g. https://relay.clinic.example:',
      );
      if (relay) answers.relay = relay;
    }
    if (answers.destinations.length === 0) answers.destinations = [await ask(`Destinations (${INIT_DESTINATIONS.join(', ')}; Enter for none yet):`)];
    if (splitList(answers.destinations).includes('ga4') && !answers.ga4MeasurementId) answers.ga4MeasurementId = await ask('GA4 measurement id (G-...):');
    if (splitList(answers.destinations).includes('webhook') && !answers.webhookUrl && !answers.sandbox) answers.webhookUrl = await ask('Webhook URL:');
    return answers;
  } finally {
    rl.close();
  }
}
