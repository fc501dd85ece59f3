/**
 * TikTok Events API 2.0 stand-in: `POST /tiktok/open_api/v1.3/event/track/`. Like TikTok it
 * answers HTTP 200 with a `code` in the body: 0 when accepted, 40105 for a bad token, 40002 when
 * any event is invalid (the whole request fails), 40100 when throttled.
 */
import type { FastifyReply } from 'fastify';
import { answerFault } from '../faults.js';
import { type AdContext, type AdEvent, hashedProblem, isObject, parseJson, record, timeProblem, urlProblem } from './common.js';

const USER_KEYS = new Set(['external_id', 'email', 'phone', 'ttclid', 'ttp', 'ip', 'user_agent', 'locale', 'idfa', 'idfv', 'gaid']);

const answer = (reply: FastifyReply, code: number, message: string) => reply.code(200).send({ code, message, request_id: 'sandbox', data: {} });

export function tiktokEventProblems(event: unknown, i: number): string[] {
  const at = (f: string) => `data[${i}].${f}`;
  if (!isObject(event)) return [`data[${i}] must be an object`];
  const problems: string[] = [];
  if (typeof event.event !== 'string' || event.event === '' || event.event.length > 100) problems.push(`${at('event')} is required`);
  const time = timeProblem(at('event_time'), event.event_time, 7);
  if (time) problems.push(time);
  if (event.event_id !== undefined && typeof event.event_id !== 'string') problems.push(`${at('event_id')} must be text`);
  const user = event.user;
  if (!isObject(user)) problems.push(`${at('user')} is required`);
  else {
    for (const key of Object.keys(user)) if (!USER_KEYS.has(key)) problems.push(`${at(`user.${key}`)} is not a user field`);
    for (const key of ['external_id', 'email', 'phone']) {
      if (user[key] === undefined) continue;
      const p = hashedProblem(at(`user.${key}`), user[key]);
      if (p) problems.push(p);
    }
  }
  if (event.page !== undefined) {
    const url = isObject(event.page) ? urlProblem(at('page.url'), event.page.url) : `${at('page')} must be an object`;
    if (url) problems.push(url);
  }
  if (event.limited_data_use !== undefined && typeof event.limited_data_use !== 'boolean') problems.push(`${at('limited_data_use')} must be true or false`);
  if (event.properties !== undefined && !isObject(event.properties)) problems.push(`${at('properties')} must be an object`);
  return problems;
}

export function registerTiktok(context: AdContext): void {
  context.app.post('/tiktok/open_api/v1.3/event/track/', async (req, reply) => {
    const token = req.headers['access-token'];
    if (typeof token !== 'string' || token === '' || (context.tokens !== undefined && !context.tokens.includes(token)))
      return answer(reply, 40105, 'Access token is incorrect or has been revoked.');
    const fault = context.faults.take('tiktok');
    if (fault?.reply === 'throttle') return answer(reply, 40100, 'Too many requests. Please retry in some time.');
    if (fault) return answerFault(fault, reply);
    const body = parseJson(String(req.body ?? ''));
    if (!isObject(body) || body.event_source !== 'web') return answer(reply, 40002, 'event_source must be web');
    if (typeof body.event_source_id !== 'string' || !/^[A-Z0-9]{8,32}$/.test(body.event_source_id)) return answer(reply, 40002, 'event_source_id must be a pixel code');
    if (!Array.isArray(body.data) || body.data.length === 0 || body.data.length > 1000) return answer(reply, 40002, 'data must hold 1 to 1000 events');
    const names = body.data.map((e) => (isObject(e) ? String(e.event) : ''));
    if (context.faults.takeReject('tiktok', names)) return answer(reply, 40002, 'Invalid parameter: event');
    const problems = body.data.flatMap((e, i) => tiktokEventProblems(e, i));
    if (problems.length > 0) return answer(reply, 40002, problems[0]!);
    record(context, 'tiktok', '/tiktok/open_api/v1.3/event/track/', body, { problems: [], refused: [] });
    return answer(reply, 0, 'OK');
  });
}

export function tiktokEvents(body: unknown): AdEvent[] {
  if (!isObject(body) || !Array.isArray(body.data)) return [];
  return body.data.filter(isObject).map((event) => ({
    name: String(event.event ?? '?'),
    ...(typeof event.event_time === 'number' ? { timestampMs: event.event_time * 1000 } : {}),
    event,
  }));
}
