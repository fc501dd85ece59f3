/**
 * Meta Conversions API stand-in: `POST /meta/{version}/{pixel}/events`. One invalid event fails
 * the whole request (HTTP 400, error code 100), as Meta does; an event older than 7 days fails
 * it too (subcode 2804003). Throttling answers code 17.
 */
import type { FastifyReply } from 'fastify';
import { answerFault } from '../faults.js';
import { type AdContext, type AdEvent, hashedProblem, isObject, parseJson, record, timeProblem, urlProblem } from './common.js';

const ACTION_SOURCES = new Set(['website', 'app', 'email', 'phone_call', 'chat', 'physical_store', 'system_generated', 'other']);
const FBC = /^fb\.[0-2]\.\d{13}\.[A-Za-z0-9._~-]+$/;
const USER_DATA_KEYS = new Set([
  'em',
  'ph',
  'fn',
  'ln',
  'db',
  'ge',
  'ct',
  'st',
  'zp',
  'country',
  'external_id',
  'client_ip_address',
  'client_user_agent',
  'fbc',
  'fbp',
  'subscription_id',
  'fb_login_id',
  'lead_id',
]);
const HASHED = ['em', 'ph', 'fn', 'ln', 'db', 'ge', 'ct', 'st', 'zp', 'country'];

function graphError(reply: FastifyReply, status: number, code: number, message: string, subcode?: number) {
  return reply.code(status).send({ error: { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'sandbox' } });
}

export function metaEventProblems(event: unknown, i: number): string[] {
  const at = (f: string) => `data[${i}].${f}`;
  if (!isObject(event)) return [`data[${i}] must be an object`];
  const problems: string[] = [];
  if (typeof event.event_name !== 'string' || event.event_name === '' || event.event_name.length > 50) problems.push(`${at('event_name')} is required (at most 50 characters)`);
  const time = timeProblem(at('event_time'), event.event_time, 7);
  if (time) problems.push(time);
  if (typeof event.action_source !== 'string' || !ACTION_SOURCES.has(event.action_source)) problems.push(`${at('action_source')} must be one of ${[...ACTION_SOURCES].join(', ')}`);
  if (event.event_id !== undefined && (typeof event.event_id !== 'string' || event.event_id.length > 256)) problems.push(`${at('event_id')} must be text`);
  const user = event.user_data;
  if (!isObject(user) || Object.keys(user).length === 0) problems.push(`${at('user_data')} is required`);
  else {
    for (const key of Object.keys(user)) if (!USER_DATA_KEYS.has(key)) problems.push(`${at(`user_data.${key}`)} is not a customer information parameter`);
    for (const key of HASHED) {
      if (user[key] === undefined) continue;
      const values = Array.isArray(user[key]) ? (user[key] as unknown[]) : [user[key]];
      for (const v of values) {
        const p = hashedProblem(at(`user_data.${key}`), v);
        if (p) problems.push(p);
      }
    }
    if (user.fbc !== undefined && (typeof user.fbc !== 'string' || !FBC.test(user.fbc))) problems.push(`${at('user_data.fbc')} must be fb.1.<ms>.<fbclid>`);
    if (event.action_source === 'website' && typeof user.client_user_agent !== 'string') problems.push(`${at('user_data.client_user_agent')} is required for website events`);
  }
  if (event.action_source === 'website') {
    const url = urlProblem(at('event_source_url'), event.event_source_url);
    if (url) problems.push(url);
  }
  const dpo = event.data_processing_options;
  if (dpo !== undefined && (!Array.isArray(dpo) || dpo.some((o) => o !== 'LDU'))) problems.push(`${at('data_processing_options')} must be [] or ["LDU"]`);
  if (Array.isArray(dpo) && dpo.includes('LDU')) {
    const country = event.data_processing_options_country;
    const state = event.data_processing_options_state;
    if (country !== 0 && country !== 1) problems.push(`${at('data_processing_options_country')} must be 0 or 1`);
    if (!(state === 0 || (typeof state === 'number' && state >= 1000 && state <= 1013)))
      problems.push(`${at('data_processing_options_state')} must be 0 or a state code 1000-1013`);
  }
  if (event.opt_out !== undefined && typeof event.opt_out !== 'boolean') problems.push(`${at('opt_out')} must be true or false`);
  if (event.custom_data !== undefined && !isObject(event.custom_data)) problems.push(`${at('custom_data')} must be an object`);
  return problems;
}

export function registerMeta(context: AdContext): void {
  context.app.post('/meta/:version/:pixel/events', async (req, reply) => {
    const { version, pixel } = req.params as { version: string; pixel: string };
    const body = parseJson(String(req.body ?? ''));
    const query = req.query as Record<string, string | undefined>;
    const token = (isObject(body) && typeof body.access_token === 'string' ? body.access_token : undefined) ?? query.access_token;
    if (!/^v\d{2}\.0$/.test(version)) return graphError(reply, 400, 2500, `Unknown path components: /${version}`);
    if (!/^\d{5,20}$/.test(pixel)) return graphError(reply, 400, 100, 'Unsupported post request. Object does not exist', 33);
    if (token === undefined || token === '' || (context.tokens !== undefined && !context.tokens.includes(token))) return graphError(reply, 400, 190, 'Invalid OAuth access token');
    const fault = context.faults.take('meta');
    if (fault?.reply === 'throttle') return graphError(reply, 400, 17, 'User request limit reached', 2446079);
    if (fault) return answerFault(fault, reply);
    if (!isObject(body) || !Array.isArray(body.data) || body.data.length === 0) return graphError(reply, 400, 100, 'The parameter data is required');
    if (body.data.length > 1000) return graphError(reply, 400, 100, 'Too many events: at most 1000 per request');
    const names = body.data.map((e) => (isObject(e) ? String(e.event_name) : ''));
    if (context.faults.takeReject('meta', names)) return graphError(reply, 400, 100, 'Invalid parameter', 2804019);
    const problems = body.data.flatMap((e, i) => metaEventProblems(e, i));
    const old = problems.find((p) => p.includes('older than'));
    if (old) return graphError(reply, 400, 100, old, 2804003);
    if (problems.length > 0) return graphError(reply, 400, 100, `Invalid parameter: ${problems[0]}`, 2804019);
    const { access_token: _token, ...kept } = body;
    record(context, 'meta', `/meta/${version}/${pixel}/events`, kept, { problems: [], refused: [] });
    return reply.code(200).send({ events_received: body.data.length, messages: [], fbtrace_id: 'sandbox' });
  });
}

export function metaEvents(body: unknown): AdEvent[] {
  if (!isObject(body) || !Array.isArray(body.data)) return [];
  return body.data.filter(isObject).map((event) => ({
    name: String(event.event_name ?? '?'),
    ...(typeof event.event_time === 'number' ? { timestampMs: event.event_time * 1000 } : {}),
    event,
  }));
}
