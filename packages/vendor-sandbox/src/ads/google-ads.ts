/**
 * Google Ads stand-in: the OAuth2 token endpoint (`POST /google-ads/token`, refresh-token grant)
 * and `POST /google-ads/{version}/customers/{id}:uploadClickConversions`. Uploads need a token
 * this stand-in issued and a developer token; `partialFailure` must be true. A row Google would
 * refuse is named in `partialFailureError` of a 200, with its index, and the other rows count.
 * Throttling answers 429 RESOURCE_EXHAUSTED.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { answerFault } from '../faults.js';
import { type AdContext, type AdEvent, bearer, hashedProblem, isObject, parseJson, record } from './common.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}:\d{2}$/;
const CONSENT = new Set(['GRANTED', 'DENIED', 'UNSPECIFIED', 'UNKNOWN']);

function rpcError(reply: FastifyReply, status: number, rpcStatus: string, message: string) {
  return reply.code(status).send({ error: { code: status, message, status: rpcStatus } });
}

export function conversionProblems(c: unknown, customerId: string): string[] {
  if (!isObject(c)) return ['the conversion must be an object'];
  const problems: string[] = [];
  const action = typeof c.conversionAction === 'string' ? /^customers\/(\d{10})\/conversionActions\/\d+$/.exec(c.conversionAction) : null;
  if (!action) problems.push('conversionAction must be customers/{customerId}/conversionActions/{id}');
  else if (action[1] !== customerId) problems.push('conversionAction belongs to another customer');
  if (typeof c.conversionDateTime !== 'string' || !DATE_TIME.test(c.conversionDateTime)) problems.push('conversionDateTime must be "yyyy-mm-dd hh:mm:ss+hh:mm"');
  else if (Date.parse(c.conversionDateTime.replace(' ', 'T')) > Date.now() + 300_000) problems.push('conversionDateTime is in the future');
  const clicks = ['gclid', 'gbraid', 'wbraid'].filter((k) => c[k] !== undefined);
  if (clicks.length > 1) problems.push(`only one of gclid, gbraid and wbraid may be set (got ${clicks.join(', ')})`);
  for (const k of clicks) if (typeof c[k] !== 'string' || (c[k] as string).length === 0) problems.push(`${k} must be text`);
  const ids = c.userIdentifiers;
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length > 5) problems.push('userIdentifiers: at most 5');
    else
      ids.forEach((u, i) => {
        const keys = isObject(u) ? Object.keys(u) : [];
        if (keys.length !== 1 || !['hashedEmail', 'hashedPhoneNumber'].includes(keys[0]!)) problems.push(`userIdentifiers[${i}] must hold one hashedEmail or hashedPhoneNumber`);
        else {
          const p = hashedProblem(`userIdentifiers[${i}].${keys[0]}`, (u as Record<string, unknown>)[keys[0]!]);
          if (p) problems.push(p);
        }
      });
  }
  if (clicks.length === 0 && (!Array.isArray(ids) || ids.length === 0)) problems.push('a click id or user identifiers are required');
  if (c.orderId !== undefined && (typeof c.orderId !== 'string' || c.orderId.length > 64)) problems.push('orderId must be text of at most 64 characters');
  if (c.conversionValue !== undefined && typeof c.conversionValue !== 'number') problems.push('conversionValue must be a number');
  if (c.currencyCode !== undefined && (typeof c.currencyCode !== 'string' || !/^[A-Z]{3}$/.test(c.currencyCode))) problems.push('currencyCode must be an ISO 4217 code');
  const consent = c.consent;
  if (consent !== undefined) {
    if (!isObject(consent) || Object.keys(consent).some((k) => k !== 'adUserData')) problems.push('consent takes only adUserData for click conversions');
    else if (consent.adUserData !== undefined && !CONSENT.has(String(consent.adUserData))) problems.push('consent.adUserData must be GRANTED or DENIED');
  }
  return problems;
}

const failure = (index: number, code: Record<string, string>, message: string) => ({
  errorCode: code,
  message,
  location: { fieldPathElements: [{ fieldName: 'conversions', index }] },
});

export function registerGoogleAds(context: AdContext): void {
  const issued = new Set<string>();
  context.app.post('/google-ads/token', async (req, reply) => {
    const form = new URLSearchParams(String(req.body ?? ''));
    if (form.get('grant_type') !== 'refresh_token' || !form.get('client_id') || !form.get('client_secret')) return reply.code(400).send({ error: 'invalid_request' });
    const refresh = form.get('refresh_token') ?? '';
    if (refresh === '' || (context.tokens !== undefined && !context.tokens.includes(refresh)))
      return reply.code(400).send({ error: 'invalid_grant', error_description: 'Bad Request' });
    const token = `ya29.sandbox-${randomBytes(12).toString('hex')}`;
    issued.add(token);
    return reply.code(200).send({ access_token: token, expires_in: 3599, token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/adwords' });
  });

  // The customer id and the method share one path segment: `1234567890:uploadClickConversions`.
  context.app.post('/google-ads/:version/customers/:call', async (req, reply) => {
    const { version, call } = req.params as { version: string; call: string };
    const m = /^(\d{10}):uploadClickConversions$/.exec(call);
    if (!/^v\d{2}$/.test(version) || !m) return rpcError(reply, 404, 'NOT_FOUND', 'Method not found.');
    const customerId = m[1]!;
    const token = bearer(req.headers.authorization);
    if (token === undefined || !issued.has(token)) return rpcError(reply, 401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.');
    if (!req.headers['developer-token']) return rpcError(reply, 401, 'UNAUTHENTICATED', 'The developer token is missing.');
    const fault = context.faults.take('google-ads');
    if (fault?.reply === 'throttle') return rpcError(reply, 429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
    if (fault) return answerFault(fault, reply);
    const body = parseJson(String(req.body ?? ''));
    if (!isObject(body) || !Array.isArray(body.conversions) || body.conversions.length === 0) return rpcError(reply, 400, 'INVALID_ARGUMENT', 'conversions is required');
    if (body.conversions.length > 2000) return rpcError(reply, 400, 'INVALID_ARGUMENT', 'TOO_MANY_CONVERSIONS_IN_REQUEST: upload fewer than 2001');
    if (body.partialFailure !== true) return rpcError(reply, 400, 'INVALID_ARGUMENT', 'PARTIAL_FAILURE_MODE_REQUIRED: partialFailure must be true');
    const conversions = body.conversions as unknown[];
    const names = conversions.map((c) => (isObject(c) ? String(c.conversionAction ?? '').replace(/^.*\//, '') : ''));
    const reject = context.faults.takeReject('google-ads', names);
    const errors: ReturnType<typeof failure>[] = [];
    conversions.forEach((c, i) => {
      const problems = conversionProblems(c, customerId);
      if (problems.length > 0) errors.push(failure(i, { conversionUploadError: 'INVALID_CONVERSION' }, problems.join('; ')));
      else if (reject !== undefined && names[i] === reject.eventName) {
        errors.push(
          reject.retryable
            ? failure(i, { databaseError: 'CONCURRENT_MODIFICATION' }, 'Multiple requests were attempting to modify the same resource at once. Retry the request.')
            : failure(i, { conversionUploadError: 'CLICK_NOT_FOUND' }, 'The click associated with the given identifier could not be found.'),
        );
      }
    });
    const refused = errors.map((e) => e.location.fieldPathElements[0]!.index);
    // What Google keeps: the rows it accepted (validateOnly keeps nothing); the refusals are noted.
    if (body.validateOnly !== true) {
      const accepted = conversions.filter((_, i) => !refused.includes(i));
      record(
        context,
        'google-ads',
        `/google-ads/${version}/customers/${customerId}:uploadClickConversions`,
        { ...body, conversions: accepted },
        {
          problems: errors.map((e) => `conversions[${e.location.fieldPathElements[0]!.index}]: ${e.message}`),
          refused,
        },
      );
    }
    const results =
      body.validateOnly === true
        ? undefined
        : conversions.map((c, i) =>
            refused.includes(i) || !isObject(c) ? {} : { gclid: c.gclid, conversionAction: c.conversionAction, conversionDateTime: c.conversionDateTime },
          );
    const partialFailureError =
      errors.length === 0
        ? undefined
        : { code: 3, message: 'Multiple errors in details.', details: [{ '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors }] };
    return reply.code(200).send({ ...(results ? { results } : {}), ...(partialFailureError ? { partialFailureError } : {}), jobId: '1' });
  });
}

export function googleAdsEvents(body: unknown): AdEvent[] {
  if (!isObject(body) || !Array.isArray(body.conversions)) return [];
  return body.conversions.filter(isObject).map((event) => ({
    name: `conversion action ${String(event.conversionAction ?? '?').replace(/^.*\//, '')}`,
    ...(typeof event.conversionDateTime === 'string' ? { timestampMs: Date.parse(event.conversionDateTime.replace(' ', 'T')) } : {}),
    event,
  }));
}
