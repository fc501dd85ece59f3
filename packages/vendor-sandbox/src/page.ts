/**
 * The sandbox's page for people (a compliance reviewer first): per vendor, per event, a table of
 * the fields the vendor received, masked values marked, and, where the relay ran in the demo,
 * the message the browser sent beside it. Filters are query parameters (`?vendor=ga4&event=page`),
 * so the page needs no script. The JSON API (/api/received) stays for tests.
 */
import { AD_VENDORS, identifierClasses } from './ads/index.js';
import type { Received, Recorder, SentMessage } from './recorder.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const VENDOR_LABELS: Record<string, string> = {
  ga4: 'Google Analytics 4 (Measurement Protocol)',
  webhook: 'Signed webhook',
  ...Object.fromEntries(AD_VENDORS.map((v) => [v.name, v.label])),
};
/** A masked value: the key id, a colon, and a base64url HMAC. */
const MASKED = /^[a-z0-9]{1,8}:[A-Za-z0-9_-]{16,}$/;
const SHOWN_PER_VENDOR = 100;
const SENT_ORDER = ['type', 'event', 'name', 'properties', 'traits', 'userId', 'anonymousId', 'groupId', 'context.page', 'context.ip', 'context.userAgent', 'context.campaign'];

/** One event as a vendor received it. */
export interface ReceivedEvent {
  vendor: string;
  seq: number;
  receivedAt: string;
  name: string;
  /** The event's timestamp in ms, to find what the browser sent. */
  timestampMs?: number;
  fields: Array<[string, unknown]>;
  problems: string[];
  /** Ad platforms: the click id (B) and contact hash (C) fields the event carried. */
  classes?: { b: string[]; c: string[] };
}

/** Deeper values are shown as JSON: anyone can post to the sandbox, and the page must render. */
const MAX_DEPTH = 8;

/** Dotted paths to leaf values: `{a: {b: 1}}` -> `[['a.b', 1]]`; arrays of scalars stay whole. */
export function flatten(value: unknown, prefix = '', depth = 0): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object' || (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'))) {
    return [[prefix, value]];
  }
  if (depth >= MAX_DEPTH) return [[prefix, '(nested deeper than the page shows; see /api/received)']];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return [[prefix, value]];
  return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k, depth + 1));
}

/** Splits what a vendor received into events: GA4 requests carry several, webhook batches too. */
export function receivedEvents(item: Received): ReceivedEvent[] {
  const base = { vendor: item.vendor, seq: item.seq, receivedAt: item.receivedAt };
  const body = item.body as Record<string, unknown> | undefined;
  if (item.vendor === 'ga4' && body && Array.isArray(body.events)) {
    const shared = Object.entries(body).filter(([k]) => k !== 'events');
    const problems = ((item.validation as { validationMessages?: Array<{ description: string }> })?.validationMessages ?? []).map((m) => m.description);
    return (body.events as Array<Record<string, unknown>>).map((event) => ({
      ...base,
      name: String(event.name ?? '?'),
      ...(typeof event.timestamp_micros === 'number' ? { timestampMs: Math.floor(event.timestamp_micros / 1000) } : {}),
      fields: [...shared.flatMap(([k, v]) => flatten(v, k)), ...flatten(event.params ?? {}, 'params')],
      problems,
    }));
  }
  if (item.vendor === 'webhook' && body && Array.isArray(body.batch)) {
    return (body.batch as Array<Record<string, unknown>>).map((event) => ({
      ...base,
      name: String(event.event ?? event.name ?? event.type ?? '?'),
      ...(typeof event.timestamp === 'string' ? { timestampMs: Date.parse(event.timestamp) } : {}),
      fields: flatten(event).filter(([, v]) => v !== undefined),
      problems: [],
    }));
  }
  const ad = AD_VENDORS.find((v) => v.name === item.vendor);
  if (ad) {
    const problems = (item.validation as { problems?: string[] } | undefined)?.problems ?? [];
    return ad.events(body).map((e) => ({
      ...base,
      name: e.name,
      ...(e.timestampMs !== undefined ? { timestampMs: e.timestampMs } : {}),
      fields: flatten(e.event),
      problems,
      classes: identifierClasses(e.event),
    }));
  }
  return [{ ...base, name: '(request)', fields: flatten(body ?? null), problems: [] }];
}

/** Which identifier classes an ad platform's event carried, in words. */
function classLine({ b, c }: { b: string[]; c: string[] }): string {
  if (b.length === 0 && c.length === 0) return '<p class="ids only-a">Masked ids only (class A): no click id, no contact hash.</p>';
  const parts = [b.length > 0 ? `class B click ids: ${b.map(escapeHtml).join(', ')}` : '', c.length > 0 ? `class C contact hashes: ${c.map(escapeHtml).join(', ')}` : ''].filter(
    Boolean,
  );
  return `<p class="ids authorized">Sent under a patient authorization: ${parts.join('; ')}.</p>`;
}

/** A masked value, or a list of them (Meta takes `external_id` as a list). */
const isMasked = (value: unknown): boolean =>
  (typeof value === 'string' && MASKED.test(value)) || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && MASKED.test(v)));

function valueCell(value: unknown): string {
  if (Array.isArray(value) && isMasked(value)) {
    return `<td><code>${escapeHtml(value.map((v) => `${String(v).slice(0, 14)}…`).join(', '))}</code> <span class="masked" title="an HMAC: the vendor cannot reverse it">masked</span></td>`;
  }
  if (typeof value === 'string' && MASKED.test(value)) {
    return `<td><code>${escapeHtml(value.slice(0, 14))}…</code> <span class="masked" title="an HMAC: the vendor cannot reverse it">masked</span></td>`;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `<td><code>${escapeHtml(String(text))}</code></td>`;
}

function fieldTable(fields: Array<[string, unknown]>, caption: string): string {
  const rows = fields.map(([path, value]) => `<tr><th scope="row">${escapeHtml(path)}</th>${valueCell(value)}</tr>`).join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr><th scope="col">field</th><th scope="col">value</th></tr></thead><tbody>${rows || '<tr><td colspan="2">(empty)</td></tr>'}</tbody></table>`;
}

function sentTable(sent: SentMessage | undefined): string {
  if (!sent) return '<div class="sent none">What the browser sent is shown when the relay runs in <code>palisade start</code> (and the event is still in memory).</div>';
  const { messageId: _id, ...message } = sent.message;
  // What the event says first, then who, then where it came from.
  const rank = (path: string) => SENT_ORDER.findIndex((prefix) => path === prefix || path.startsWith(`${prefix}.`));
  const fields = flatten(message).sort(([a], [b]) => (rank(a) === -1 ? SENT_ORDER.length : rank(a)) - (rank(b) === -1 ? SENT_ORDER.length : rank(b)));
  return `<div class="sent">${fieldTable(fields, `What the browser sent (${sent.environment})`)}</div>`;
}

export interface PageFilters {
  vendor?: string;
  event?: string;
}

export function renderPage(recorder: Recorder, filters: PageFilters = {}): string {
  const eventFilter = filters.event?.trim().toLowerCase() ?? '';
  const all = recorder.list().flatMap(receivedEvents);
  const vendors = [...new Set(all.map((e) => e.vendor))].sort();
  const sections = vendors
    .filter((v) => !filters.vendor || v === filters.vendor)
    .map((vendor) => {
      const events = all.filter((e) => e.vendor === vendor && (!eventFilter || e.name.toLowerCase().includes(eventFilter))).reverse();
      const articles = events
        .slice(0, SHOWN_PER_VENDOR)
        .map((e) => {
          const sent = e.timestampMs === undefined ? undefined : recorder.sentFor(e.timestampMs, e.name);
          const masked = e.fields.filter(([, v]) => isMasked(v)).length;
          return `<article>
  <h3>${escapeHtml(e.name)} <small>request #${e.seq}, ${escapeHtml(e.receivedAt.slice(11, 19))} UTC, ${e.fields.length} fields, ${masked} masked</small></h3>
  ${e.problems.length > 0 ? `<p class="problems">The vendor would flag: ${e.problems.map(escapeHtml).join('; ')}</p>` : ''}
  ${e.classes ? classLine(e.classes) : ''}
  <div class="pair">${fieldTable(e.fields, `What ${vendor} received`)}${sentTable(sent)}</div>
</article>`;
        })
        .join('\n');
      return `<section><h2>${escapeHtml(VENDOR_LABELS[vendor] ?? vendor)} <small>${events.length} event${events.length === 1 ? '' : 's'}</small></h2>${articles || '<p>No event matches the filter.</p>'}</section>`;
    })
    .join('\n');
  const option = (value: string, label: string) =>
    `<option value="${escapeHtml(value)}"${filters.vendor === value || (!filters.vendor && value === '') ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Palisade vendor sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 78rem; padding: 0 1rem; color: #1b1f24; }
  h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 2px solid #1b1f24; } h3 { margin: 0 0 .4rem; font-size: 1rem; }
  small { color: #57606a; font-weight: normal; }
  .lead { max-width: 52rem; }
  form { display: flex; gap: .6rem; align-items: end; margin: 1rem 0; flex-wrap: wrap; }
  label { display: flex; flex-direction: column; font-size: 12px; color: #57606a; }
  article { border: 1px solid #d0d7de; border-radius: 6px; padding: .8rem; margin: .8rem 0; }
  .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; align-items: start; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
  th, td { border-bottom: 1px solid #eaeef2; padding: .25rem .4rem; text-align: left; vertical-align: top; }
  th[scope=row] { font-weight: normal; color: #57606a; white-space: nowrap; }
  code { font-size: 12px; word-break: break-all; }
  .masked { background: #dafbe1; color: #116329; border-radius: 3px; padding: 0 .3rem; font-size: 11px; }
  .sent { background: #fff8c5; border-radius: 4px; padding: .4rem; }
  .sent.none { background: none; color: #57606a; }
  .problems { color: #9a6700; }
  .ids { margin: 0 0 .4rem; font-size: 12px; } .ids.only-a { color: #116329; } .ids.authorized { color: #8250df; font-weight: 600; }
</style></head>
<body>
<h1>Vendor sandbox</h1>
<p class="lead">Stand-ins for the vendors' APIs, on this machine. Each event below is exactly what the relay sent to a
vendor after de-identification (left), beside what the browser sent the relay (right, highlighted) when the
relay runs in the demo. A value marked <span class="masked">masked</span> (such as <code>k1:…</code>) is an HMAC of the
original made with a key only the relay holds (<code>k1</code> names the key): the vendor can count and join on it but cannot
turn it back into the email or id it came from, and another vendor gets a different value for the same person.
Anything the browser sent that is missing on the left was dropped by the destination's allowlist.</p>
<form method="get" action="/">
  <label>vendor<select name="vendor">${option('', 'all vendors')}${vendors.map((v) => option(v, v)).join('')}</select></label>
  <label>event name contains<input name="event" value="${escapeHtml(filters.event ?? '')}"></label>
  <button type="submit">Filter</button> <a href="/">clear</a>
  <span><small>JSON: <a href="/api/received">/api/received</a> (<code>?vendor=ga4</code>). Reload to see new events.</small></span>
</form>
${sections || '<p>Nothing received yet. Browse the demo site or send an event, then reload.</p>'}
</body></html>`;
}
