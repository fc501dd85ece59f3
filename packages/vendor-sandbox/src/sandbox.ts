/**
 * Local stand-ins for vendor APIs, on their own listener. Each validates requests as the vendor
 * would, records them, and answers like the vendor (GA4: 204 whatever the body). Tests read what
 * arrived from /api/received and script failures with /api/faults.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { answerFault, FaultBook, type Fault } from './faults.js';
import { GA4_MAX_BODY_BYTES, validateGa4 } from './ga4-validate.js';
import { AD_VENDORS } from './ads/index.js';
import { renderPage } from './page.js';
import { Recorder } from './recorder.js';
import { checkSignature } from './signature.js';

export interface SandboxOptions {
  host?: string;
  port?: number;
  /** Webhook name (the :name in /webhook/:name) -> signing secret. */
  webhookSecrets?: Record<string, string>;
  /** GA4 api_secret values that count as valid (GA4 itself accepts any and drops silently). */
  ga4ApiSecrets?: string[];
  /** Ad platform access (and Google refresh) tokens that count as valid; any non-empty one when absent. */
  adTokens?: string[];
}

export interface Sandbox {
  url: string;
  app: FastifyInstance;
  recorder: Recorder;
  faults: FaultBook;
  stop(): Promise<void>;
}

const VENDORS = new Set(['ga4', 'webhook', ...AD_VENDORS.map((v) => v.name)]);

/** Deeper bodies are refused: the page and the JSON API render what is kept, recursively. */
const MAX_BODY_DEPTH = 64;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether `value` nests deeper than `max` (iterative: the value may be nested thousands deep). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** `127.0.0.1:8789`, `[::1]:8789`, `localhost:8789`, `10.0.0.5:8789`: no DNS name but localhost. */
export function hostIsLocalName(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return name === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-fA-F:.]+\]$/.test(name);
}

export async function buildSandbox(options: SandboxOptions = {}): Promise<Omit<Sandbox, 'url' | 'stop'>> {
  const recorder = new Recorder();
  const faults = new FaultBook();
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024, forceCloseConnections: true });
  // DNS rebinding: a web page whose name resolves to 127.0.0.1 could read the sandbox (and, in the
  // demo, what the browser sent) from a visitor's machine. Such a request names that page's host;
  // the sandbox answers only requests addressed to an IP literal or localhost.
  app.addHook('onRequest', async (req, reply) => {
    if (!hostIsLocalName(req.headers.host)) return reply.code(403).send({ error: 'the sandbox answers only requests to an IP address or localhost' });
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  /** Applies a scripted fault; true when the request was answered by it. */
  async function applyFault(vendor: string, reply: FastifyReply): Promise<boolean> {
    const fault = faults.take(vendor);
    if (!fault) return false;
    await answerFault(fault, reply);
    return true;
  }

  const ga4 = async (debug: boolean, query: Record<string, string>, raw: string, reply: FastifyReply) => {
    if (!debug && (await applyFault('ga4', reply))) return;
    const body = parseJson(raw);
    if (nestedDeeperThan(body, MAX_BODY_DEPTH)) return reply.code(400).send({ error: `body nested deeper than ${MAX_BODY_DEPTH} levels` });
    const validation =
      Buffer.byteLength(raw) > GA4_MAX_BODY_BYTES
        ? [{ fieldPath: '', description: `body larger than ${GA4_MAX_BODY_BYTES} bytes`, validationCode: 'VALUE_OUT_OF_BOUNDS' as const }]
        : validateGa4(query, body);
    if (debug) return reply.code(200).send({ validationMessages: validation });
    const { api_secret: apiSecret, ...rest } = query;
    const secretValid = options.ga4ApiSecrets === undefined ? undefined : options.ga4ApiSecrets.includes(apiSecret ?? '');
    recorder.add({ vendor: 'ga4', path: '/mp/collect', query: rest, headers: {}, body, validation: { validationMessages: validation, apiSecretValid: secretValid } });
    // Like GA4: 204 whatever the body; the findings are in the record.
    return reply.code(204).send();
  };
  app.post('/ga4/mp/collect', (req, reply) => ga4(false, req.query as Record<string, string>, String(req.body ?? ''), reply));
  app.post('/ga4/debug/mp/collect', (req, reply) => ga4(true, req.query as Record<string, string>, String(req.body ?? ''), reply));

  app.post('/webhook/:name', async (req, reply) => {
    if (await applyFault('webhook', reply)) return;
    const { name } = req.params as { name: string };
    const raw = String(req.body ?? '');
    const signature = req.headers['x-palisade-signature'] as string | undefined;
    const check = checkSignature(options.webhookSecrets?.[name], raw, signature, Math.floor(Date.now() / 1000));
    if (!check.valid) return reply.code(401).send({ error: check.reason });
    recorder.add({ vendor: 'webhook', path: `/webhook/${name}`, query: {}, headers: { 'x-palisade-signature': 'valid' }, body: parseJson(raw), validation: check });
    return reply.code(200).send({ ok: true });
  });

  for (const vendor of AD_VENDORS) vendor.register({ app, recorder, faults, ...(options.adTokens ? { tokens: options.adTokens } : {}) });

  app.get('/api/received', async (req) => {
    const { vendor } = req.query as { vendor?: string };
    return recorder.list(vendor);
  });
  app.delete('/api/received', async () => {
    recorder.clear();
    return { ok: true };
  });
  app.get('/api/faults', async () => faults.list());
  app.delete('/api/faults', async () => {
    faults.clear();
    return { ok: true };
  });
  app.post('/api/faults', async (req, reply) => {
    const f = parseJson(String(req.body ?? '')) as Partial<Fault> | undefined;
    const problems: string[] = [];
    if (!f || typeof f !== 'object') problems.push('body must be a JSON object');
    else {
      if (typeof f.vendor !== 'string' || !VENDORS.has(f.vendor)) problems.push(`vendor must be one of ${[...VENDORS].join(', ')}`);
      if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 100 || f.status > 599)) problems.push('status must be an HTTP status');
      if (f.times !== undefined && (!Number.isInteger(f.times) || f.times < 1)) problems.push('times must be a positive integer');
      if (f.hangMs !== undefined && (!Number.isInteger(f.hangMs) || f.hangMs < 0 || f.hangMs > 600_000)) problems.push('hangMs must be 0..600000');
      if (f.reply !== undefined && f.reply !== 'throttle' && f.reply !== 'reject') problems.push('reply must be throttle or reject');
      if (f.reply === 'reject' && typeof f.eventName !== 'string') problems.push('reply: reject needs the eventName to refuse');
      if (f.status === undefined && f.hangMs === undefined && f.reply === undefined) problems.push('give a status, a hangMs, a reply or a combination');
    }
    if (problems.length > 0) return reply.code(400).send({ error: { code: 'invalid_fault', message: problems.join('; ') } });
    const fault: Fault = { vendor: f!.vendor!, times: f!.times ?? 1 };
    if (f!.status !== undefined) fault.status = f!.status;
    if (f!.hangMs !== undefined) fault.hangMs = f!.hangMs;
    if (f!.retryAfterSeconds !== undefined) fault.retryAfterSeconds = Number(f!.retryAfterSeconds);
    if (f!.reply !== undefined) fault.reply = f!.reply;
    if (f!.eventName !== undefined) fault.eventName = String(f!.eventName).slice(0, 200);
    if (f!.retryable !== undefined) fault.retryable = f!.retryable === true;
    faults.add(fault);
    return reply.code(201).send(fault);
  });
  app.get('/', async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 100 ? v : undefined);
    const vendor = text(query.vendor);
    const event = text(query.event);
    return reply.type('text/html; charset=utf-8').send(renderPage(recorder, { ...(vendor ? { vendor } : {}), ...(event ? { event } : {}) }));
  });
  return { app, recorder, faults };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await buildSandbox(options);
  const url = await sandbox.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8789 });
  return { ...sandbox, url, stop: () => sandbox.app.close() };
}
