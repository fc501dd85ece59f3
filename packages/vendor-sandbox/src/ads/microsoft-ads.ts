/**
 * Microsoft Advertising UET Conversions API stand-in: `POST /microsoft/v1/{tagId}/events`. With
 * `continueOnValidationError` the valid events count and the invalid ones are named in
 * `error.details` of a 200; without it any invalid event fails the request with 400.
 * Throttling answers 429 with Retry-After.
 */
import type { FastifyReply } from 'fastify';
import { answerFault } from '../faults.js';
import { type AdContext, type AdEvent, bearer, hashedProblem, isObject, parseJson, record, timeProblem, urlProblem } from './common.js';

const USER_KEYS = new Set(['em', 'ph', 'msclkid', 'anonymousId', 'externalId', 'clientIpAddress', 'clientUserAgent', 'idfa', 'gaid']);

const fail = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).send({ error: { code, message } });

export function uetEventProblems(event: unknown): string[] {
  if (!isObject(event)) return ['the event must be an object'];
  const problems: string[] = [];
  if (event.eventType !== 'pageLoad' && event.eventType !== 'custom') problems.push('eventType must be pageLoad or custom');
  if (event.eventType === 'custom' && (typeof event.eventName !== 'string' || event.eventName === '')) problems.push('eventName is required for custom events');
  if (event.eventType === 'pageLoad') {
    const url = urlProblem('eventSourceUrl', event.eventSourceUrl);
    if (url) problems.push(url);
  }
  const time = timeProblem('eventTime', event.eventTime, 7);
  if (time) problems.push(time);
  if (typeof event.eventId !== 'string' || event.eventId === '') problems.push('eventId is required');
  if (event.adStorageConsent !== 'G' && event.adStorageConsent !== 'D') problems.push('adStorageConsent must be G or D');
  const user = event.userData;
  if (!isObject(user) || Object.keys(user).length === 0) problems.push('userData needs at least one identifier');
  else {
    for (const key of Object.keys(user)) if (!USER_KEYS.has(key)) problems.push(`userData.${key} is not a user data field`);
    for (const key of ['em', 'ph']) {
      if (user[key] === undefined) continue;
      const p = hashedProblem(`userData.${key}`, user[key]);
      if (p) problems.push(p);
    }
  }
  return problems;
}

export function registerMicrosoftAds(context: AdContext): void {
  context.app.post('/microsoft/v1/:tagId/events', async (req, reply) => {
    const { tagId } = req.params as { tagId: string };
    const token = bearer(req.headers.authorization);
    if (token === undefined || token === '' || (context.tokens !== undefined && !context.tokens.includes(token)))
      return fail(reply, 401, 'Unauthorized', 'The API token is not valid for this tag.');
    if (!/^\d{4,20}$/.test(tagId)) return fail(reply, 404, 'TagNotFound', 'No such UET tag.');
    const fault = context.faults.take('microsoft-ads');
    if (fault?.reply === 'throttle')
      return reply
        .code(429)
        .header('retry-after', '1')
        .send({ error: { code: 'TooManyRequests', message: 'Rate limit exceeded.' } });
    if (fault) return answerFault(fault, reply);
    const body = parseJson(String(req.body ?? ''));
    if (!isObject(body) || !Array.isArray(body.data) || body.data.length === 0 || body.data.length > 1000)
      return fail(reply, 400, 'InvalidRequest', 'data must hold 1 to 1000 events');
    const events = body.data as unknown[];
    const names = events.map((e) => (isObject(e) ? String(e.eventName ?? e.eventType ?? '') : ''));
    const reject = context.faults.takeReject('microsoft-ads', names);
    const details = events.flatMap((e, index) => {
      const problems = uetEventProblems(e);
      if (problems.length > 0) return [{ index, propertyName: 'data', errorMessage: problems.join('; '), errorCode: 'InvalidEvent', isWarning: false }];
      if (reject !== undefined && names[index] === reject.eventName)
        return [{ index, propertyName: 'eventName', errorMessage: 'Event refused', errorCode: 'EventRefused', isWarning: false }];
      return [];
    });
    if (details.length > 0 && body.continueOnValidationError !== true)
      return reply.code(400).send({ error: { code: 'InvalidEvents', message: 'Some events are invalid.', details } });
    const refused = details.map((d) => d.index);
    record(
      context,
      'microsoft-ads',
      `/microsoft/v1/${tagId}/events`,
      { ...body, data: events.filter((_, i) => !refused.includes(i)) },
      { problems: details.map((d) => `data[${d.index}]: ${d.errorMessage}`), refused },
    );
    const received = events.length - refused.length;
    return reply
      .code(200)
      .send(details.length === 0 ? { eventsReceived: received } : { eventsReceived: received, error: { code: 'InvalidEvents', message: 'Some events are invalid.', details } });
  });
}

export function microsoftEvents(body: unknown): AdEvent[] {
  if (!isObject(body) || !Array.isArray(body.data)) return [];
  return body.data.filter(isObject).map((event) => ({
    name: String(event.eventName ?? event.eventType ?? '?'),
    ...(typeof event.eventTime === 'number' ? { timestampMs: event.eventTime * 1000 } : {}),
    event,
  }));
}
