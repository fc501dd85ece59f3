/**
 * LinkedIn Conversions API stand-in: `POST /linkedin/rest/conversionEvents` with the versioned
 * Rest.li headers. A batch answers 200 with one status per element: 201 when accepted, 400 for
 * an element LinkedIn would refuse (no user id, an unknown id type, older than 90 days), 500 for
 * a scripted retryable failure. Throttling answers 429.
 */
import type { FastifyReply } from 'fastify';
import { answerFault } from '../faults.js';
import { type AdContext, type AdEvent, bearer, hashedProblem, isObject, parseJson, record, timeProblem } from './common.js';

const ID_TYPES = new Set(['SHA256_EMAIL', 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', 'ACXIOM_ID', 'ORACLE_MOAT_ID']);

const fail = (reply: FastifyReply, status: number, message: string) => reply.code(status).send({ status, message });

export function linkedinElementProblems(element: unknown): string[] {
  if (!isObject(element)) return ['the element must be an object'];
  const problems: string[] = [];
  if (typeof element.conversion !== 'string' || !/^urn:lla:llaPartnerConversion:\d+$/.test(element.conversion))
    problems.push('conversion must be urn:lla:llaPartnerConversion:{id}');
  const time = timeProblem('conversionHappenedAt', element.conversionHappenedAt, 90, 'ms');
  if (time) problems.push(time);
  if (element.eventId !== undefined && (typeof element.eventId !== 'string' || element.eventId.length > 64)) problems.push('eventId must be text of at most 64 characters');
  const ids = isObject(element.user) ? element.user.userIds : undefined;
  if (!Array.isArray(ids) || ids.length === 0) problems.push('user.userIds needs at least one id');
  else
    ids.forEach((id, i) => {
      if (!isObject(id) || typeof id.idType !== 'string' || !ID_TYPES.has(id.idType) || typeof id.idValue !== 'string' || id.idValue === '')
        problems.push(`user.userIds[${i}] must have a known idType and an idValue`);
      else if (id.idType === 'SHA256_EMAIL') {
        const p = hashedProblem(`user.userIds[${i}].idValue`, id.idValue);
        if (p) problems.push(p);
      }
    });
  const value = element.conversionValue;
  if (value !== undefined && (!isObject(value) || typeof value.currencyCode !== 'string' || typeof value.amount !== 'string'))
    problems.push('conversionValue needs currencyCode and amount (text)');
  return problems;
}

export function registerLinkedin(context: AdContext): void {
  context.app.post('/linkedin/rest/conversionEvents', async (req, reply) => {
    const token = bearer(req.headers.authorization);
    if (token === undefined || token === '' || (context.tokens !== undefined && !context.tokens.includes(token))) return fail(reply, 401, 'Invalid access token');
    if (!/^\d{6}$/.test(String(req.headers['linkedin-version'] ?? ''))) return fail(reply, 400, 'A version header (LinkedIn-Version: YYYYMM) is required');
    if (req.headers['x-restli-protocol-version'] !== '2.0.0') return fail(reply, 400, 'X-Restli-Protocol-Version: 2.0.0 is required');
    if (req.headers['x-restli-method'] !== 'BATCH_CREATE') return fail(reply, 400, 'X-RestLi-Method: BATCH_CREATE is required for a batch');
    const fault = context.faults.take('linkedin');
    if (fault?.reply === 'throttle') return reply.code(429).header('retry-after', '1').send({ status: 429, message: 'Resource level throttle limit reached' });
    if (fault) return answerFault(fault, reply);
    const body = parseJson(String(req.body ?? ''));
    if (!isObject(body) || !Array.isArray(body.elements) || body.elements.length === 0 || body.elements.length > 5000)
      return fail(reply, 400, 'elements must hold 1 to 5000 conversions');
    const elements = body.elements as unknown[];
    const names = elements.map((e) => (isObject(e) ? String(e.conversion ?? '').replace(/^.*:/, '') : ''));
    const reject = context.faults.takeReject('linkedin', names);
    const statuses = elements.map((e, i) => {
      const problems = linkedinElementProblems(e);
      if (problems.length > 0) return { status: 400, error: { message: problems.join('; ') } };
      if (reject !== undefined && names[i] === reject.eventName)
        return reject.retryable ? { status: 500, error: { message: 'Internal error' } } : { status: 400, error: { message: 'Conversion rule is not linked to a campaign' } };
      return { status: 201 };
    });
    const refused = statuses.flatMap((s, i) => (s.status === 201 ? [] : [i]));
    record(
      context,
      'linkedin',
      '/linkedin/rest/conversionEvents',
      { elements: elements.filter((_, i) => !refused.includes(i)) },
      { problems: statuses.flatMap((s, i) => (s.error ? [`elements[${i}]: ${s.error.message}`] : [])), refused },
    );
    return reply.code(200).send({ elements: statuses });
  });
}

export function linkedinEvents(body: unknown): AdEvent[] {
  if (!isObject(body) || !Array.isArray(body.elements)) return [];
  return body.elements.filter(isObject).map((event) => ({
    name: `conversion rule ${String(event.conversion ?? '?').replace(/^.*:/, '')}`,
    ...(typeof event.conversionHappenedAt === 'number' ? { timestampMs: event.conversionHappenedAt } : {}),
    event,
  }));
}
