/**
 * A GTM web container as Palisade config: each tag's vendor becomes a server-side destination in
 * HIPAA mode, each trigger a `$pageview`, a data-layer event or an event definition, each
 * parameter an allowlist entry that masks or drops unless it is known to be safe. Nothing in the
 * container is executed; vendor secrets become `env:` references. Pure: the same export gives
 * the same result (the write key aside, which the caller passes in).
 */
import type { DefinitionCondition, EventDefinitionInput } from '@palisade/schema';
import { describeCondition, mergeConditions } from './conditions.js';
import { type HtmlReading, isExpression, type Literal, readCustomHtml } from './custom-html.js';
import type { ContainerExport, Tag } from './export-format.js';
import { isPrototypeKey, param, reference, references, rows, text, withoutControls } from './parameters.js';
import { judgeParameter, printableConstant, sendableConstant } from './phi.js';
import type { CriticalFinding, EnvVar, MigrationReport, ParameterOutcome, TagOutcome, TagStatus, TriggerOutcome } from './report-model.js';
import { planTriggers, type TriggerPlan } from './triggers.js';
import { type Resolved, Variables } from './variables.js';

export interface ImportOptions {
  /** The public write key of the production environment. */
  writeKey: string;
  /** The site's origins (environments.production.allowedOrigins). */
  origins?: string[];
  /** Point every destination at a vendor sandbox (`palisade sandbox`) instead of the vendors. */
  sandbox?: string;
}

export interface ImportResult {
  /** A config in the shape `palisade config check` validates. */
  config: Record<string, unknown>;
  report: MigrationReport;
}

type DestinationType = 'ga4' | 'google-ads' | 'meta' | 'tiktok' | 'linkedin' | 'microsoft-ads';

interface DestinationDraft {
  type: DestinationType;
  account: string;
  settings: Record<string, unknown>;
  consent: 'analytics' | 'advertising';
  enabled: boolean;
  events: string[];
  eventProperties: Record<string, 'allow' | 'mask'>;
  mappingEvents: Record<string, string>;
  mappingProperties: Record<string, string>;
  constants: Record<string, string | number | boolean>;
  id?: string;
}

const VENDOR: Record<DestinationType, string> = {
  ga4: 'Google Analytics 4',
  'google-ads': 'Google Ads',
  meta: 'Meta',
  tiktok: 'TikTok',
  linkedin: 'LinkedIn',
  'microsoft-ads': 'Microsoft Advertising',
};

const SECRETS: Record<DestinationType, Array<[field: string, holds: string]>> = {
  ga4: [['apiSecret', 'Measurement Protocol API secret (GA4 Admin > Data streams > Measurement Protocol API secrets)']],
  'google-ads': [
    ['developerToken', 'Google Ads API developer token'],
    ['clientSecret', 'OAuth client secret'],
    ['refreshToken', 'OAuth refresh token of a user with access to the account'],
  ],
  meta: [['accessToken', 'Conversions API access token (Events Manager > Settings)']],
  tiktok: [['accessToken', 'Events API access token (Events Manager > Settings)']],
  linkedin: [['accessToken', 'OAuth token with the rw_conversions scope']],
  'microsoft-ads': [['accessToken', 'UET Conversions API token']],
};

const SANDBOX_PATH: Record<DestinationType, string> = {
  ga4: '/ga4',
  'google-ads': '/google-ads',
  meta: '/meta',
  tiktok: '/tiktok',
  linkedin: '/linkedin',
  'microsoft-ads': '/microsoft',
};

/** GTM consent types to Palisade's consent categories. */
function consentOf(tag: Tag, fallback: 'analytics' | 'advertising'): { category: 'analytics' | 'advertising'; carried: boolean } {
  const settings = tag.consentSettings;
  if (settings?.consentStatus !== 'needed') return { category: fallback, carried: false };
  const types = (settings.consentType?.list ?? []).map((p) => p.value ?? '');
  if (types.some((t) => /^ad_/.test(t))) return { category: 'advertising', carried: true };
  if (types.includes('analytics_storage')) return { category: 'analytics', carried: true };
  return { category: fallback, carried: false };
}

/** A definition name from a tag name: no `$` first, no `:`, at most 200 characters. */
export function definitionName(tagName: string): string {
  const cleaned = withoutControls(tagName).replace(/:/g, ' -').replace(/\s+/g, ' ').trim().replace(/^\$+/, '').slice(0, 200).trim();
  // A name is also a key of the destinations' mapping objects: never a prototype key.
  if (isPrototypeKey(cleaned)) return `${cleaned} tag`;
  return cleaned || 'GTM tag';
}

/** Whether a blocking trigger applies to the events of a firing trigger. */
function blocks(blocking: Extract<TriggerPlan, { migrated: true }>, firing: Extract<TriggerPlan, { migrated: true }>): boolean {
  if (blocking.on === 'event' && blocking.anyEvent) return true;
  if (blocking.on !== firing.on) return false;
  if (blocking.on !== 'event') return true;
  return firing.anyEvent || blocking.events.some((e) => firing.events.includes(e));
}

class Importer {
  readonly variables: Variables;
  readonly plans: Map<string, TriggerPlan>;
  readonly drafts = new Map<string, DestinationDraft>();
  readonly definitions: EventDefinitionInput[] = [];
  readonly tags: TagOutcome[] = [];
  readonly parameters: ParameterOutcome[] = [];
  readonly critical: CriticalFinding[] = [];
  /** Trigger id -> what it became. */
  readonly became = new Map<string, Set<string>>();
  readonly tagsByName = new Map<string, Tag>();

  /** Account ids set up by base tags, for event tags that only call `fbq('track')` and the like. */
  readonly accounts: Record<'meta' | 'tiktok' | 'uet', Set<string>> = { meta: new Set(), tiktok: new Set(), uet: new Set() };

  constructor(
    readonly container: ContainerExport,
    origins: readonly string[],
  ) {
    this.variables = new Variables(container);
    this.plans = planTriggers(container, this.variables, origins);
    for (const t of container.containerVersion.tag) {
      this.tagsByName.set(t.name, t);
      if (t.type !== 'html') continue;
      const reading = this.reading(t);
      for (const c of reading.calls) {
        if (c.callee === 'fbq' && c.args[0] === 'init' && (typeof c.args[1] === 'string' || typeof c.args[1] === 'number')) this.accounts.meta.add(String(c.args[1]));
        if (c.callee === 'ttq.load' && typeof c.args[0] === 'string') this.accounts.tiktok.add(c.args[0]);
      }
      if (reading.uetTagId) this.accounts.uet.add(reading.uetTagId);
    }
  }

  /** Each custom HTML tag is read once. */
  readonly #readings = new Map<Tag, HtmlReading>();
  reading(tag: Tag): HtmlReading {
    let r = this.#readings.get(tag);
    if (r === undefined) {
      r = readCustomHtml(text(tag.parameter, 'html'));
      this.#readings.set(tag, r);
    }
    return r;
  }

  /** The one account of a kind the container sets up, when a tag does not name its own. */
  only(kind: 'meta' | 'tiktok' | 'uet'): string | undefined {
    return this.accounts[kind].size === 1 ? [...this.accounts[kind]][0] : undefined;
  }

  draft(type: DestinationType, account: string, settings: Record<string, unknown>, consent: 'analytics' | 'advertising', enabled = true): DestinationDraft {
    const key = `${type}\u0000${account}`;
    let d = this.drafts.get(key);
    if (!d) {
      d = { type, account, settings, consent, enabled, events: [], eventProperties: {}, mappingEvents: {}, mappingProperties: {}, constants: {} };
      this.drafts.set(key, d);
    }
    if (consent === 'advertising') d.consent = 'advertising';
    return d;
  }

  outcome(tag: Tag, kind: string, vendor: string): TagOutcome {
    const outcome: TagOutcome = {
      tag: tag.name,
      kind,
      vendor,
      status: 'kept',
      events: [],
      triggers: tag.firingTriggerId.map((id) => this.plans.get(id)?.name ?? `trigger ${id}`),
      notes: [],
      wouldSend: [],
    };
    this.tags.push(outcome);
    return outcome;
  }

  /** Where a value comes from, in the report's words. */
  describe(raw: string, v: Resolved | { kind: 'literal'; value: string } | { kind: 'template' }): string {
    switch (v.kind) {
      case 'dataLayer':
        return `data layer ${v.name}`;
      case 'constant':
      case 'literal':
        return `constant ${JSON.stringify(printableConstant(v.value))}`;
      default: {
        // Only the variables a value names, never the text around them (it may hold a token).
        const names = references(raw).slice(0, 5);
        return names.length === 0 ? 'a computed value' : names.map((n) => `{{${withoutControls(n).slice(0, 80)}}}`).join(' + ');
      }
    }
  }

  /**
   * One vendor parameter of a tag: a data-layer value becomes an allowed (masked or, when known
   * safe, plain) event property mapped to the vendor's name; a constant a mapping constant;
   * anything else is dropped with the reason.
   */
  parameter(tag: Tag, d: DestinationDraft | undefined, name: string, raw: string, outcome: TagOutcome, fromEvent: boolean): undefined {
    const v = this.variables.value(raw);
    const from = this.describe(raw, v);
    const record = (verdict: ParameterOutcome['verdict'], why: string): undefined => {
      this.parameters.push({ tag: tag.name, parameter: name, from, verdict, why });
      return undefined;
    };
    if (v.kind === 'literal' || v.kind === 'constant') {
      const judged = judgeParameter(name, v.value);
      if (judged.verdict === 'drop') return record('drop', judged.why);
      // Sent as it is only when known safe: a constant can hold an access token or a health topic.
      if (!sendableConstant(name, v.value)) {
        if (outcome.status === 'kept') outcome.status = 'changed';
        return record('drop', 'a constant that is not a known-safe parameter with a plain value: not sent (it may be a token, an id or a health topic)');
      }
      if (d) d.constants[name] = /^-?\d+(\.\d+)?$/.test(v.value) && v.value.length < 16 ? Number(v.value) : v.value;
      return record('constant', 'a known-safe parameter with a constant value: the same for every visitor');
    }
    if (v.kind === 'dataLayer') {
      const judged = judgeParameter(name);
      const byPath = judgeParameter(v.path.split('.').pop() ?? v.path);
      if (outcome.status === 'kept' && (judged.verdict !== 'allow' || byPath.verdict !== 'allow')) outcome.status = 'changed';
      if (judged.verdict === 'drop') return record('drop', judged.why);
      if (byPath.verdict === 'drop') return record('drop', `${byPath.why} (data layer ${v.name})`);
      if (!fromEvent) return record('drop', 'the tag fires on a click, form or page view: on the relay those carry no data layer values');
      // Both names count: `content_category` fed from `user.diagnosis` is not safe.
      const verdict = judged.verdict === 'allow' && byPath.verdict === 'allow' ? 'allow' : 'mask';
      const why = verdict === 'mask' && judged.verdict === 'allow' ? `the data layer name ${v.name} is not known to be safe: masked` : judged.why;
      if (d) {
        const renamed = this.rename(d, v.path, name);
        if (renamed !== undefined) return record(verdict, `${why}; sent as ${renamed}, the name this destination already gives ${v.path}`);
        d.eventProperties[v.path] = verdict;
      }
      return record(verdict, why);
    }
    if (outcome.status === 'kept') outcome.status = 'changed';
    if (v.kind === 'page') return record('drop', 'the connector sends the page itself, reduced (no query string, ids templated)');
    if (v.kind === 'element' && v.part === 'text' && d) {
      const judged = judgeParameter(name);
      if (judged.verdict === 'drop') return record('drop', judged.why);
      const renamed = this.rename(d, '$text', name);
      d.eventProperties.$text = 'mask';
      return record(
        'mask',
        `the clicked element's text, as autotrack sends it: masked, since a label can name a condition${renamed === undefined ? '' : `; sent as ${renamed}, the name this destination already gives it`}`,
      );
    }
    if (v.kind === 'userProvidedData') {
      this.critical.push({ tag: tag.name, what: `user-provided data (${v.mode}) in ${name}`, why: 'contact details of the visitor: never sent in HIPAA mode' });
      return record('drop', 'user-provided data: contact details of the visitor');
    }
    if (v.kind === 'review') return record('drop', `${v.what}: not run on the relay; review`);
    if (v.kind === 'template') return record('drop', 'text built from several variables: not evaluated on the relay; review');
    if (v.kind === 'lookup') return record('drop', 'a lookup table on a value the relay does not have; review');
    return record('drop', 'no equivalent on the relay');
  }

  /**
   * Maps a property to a vendor parameter name. A destination names a property one way for all
   * its events: a second, different name is not applied, and the first is returned.
   */
  rename(d: DestinationDraft, path: string, name: string): string | undefined {
    const existing = d.mappingProperties[path] ?? (d.eventProperties[path] !== undefined ? path : undefined);
    if (existing !== undefined && existing !== name) return existing;
    if (path !== name) d.mappingProperties[path] = name;
    return undefined;
  }

  /**
   * The allowlist keys a tag fires on, with definitions made where a key alone cannot say it:
   * filters, blocking triggers, or a vendor event name the destination already uses differently.
   */
  sources(
    tag: Tag,
    outcome: TagOutcome,
    d: DestinationDraft,
    vendorEvent: string | 'from-event',
    options: { pageviewKey?: boolean; suffix?: string } = {},
  ): { fromEvent: boolean } {
    const firing = tag.firingTriggerId.map((id) => this.plans.get(id) ?? { migrated: false as const, id, name: `trigger ${id}`, type: 'unknown', why: 'not in the export' });
    const blocking = tag.blockingTriggerId.map((id) => this.plans.get(id) ?? { migrated: false as const, id, name: `trigger ${id}`, type: 'unknown', why: 'not in the export' });
    let migrated = 0;
    let fromEvent = false;
    const name = this.uniqueName(tag, definitionName(options.suffix ? `${tag.name} ${options.suffix}` : tag.name));
    const addEvent = (key: string, plain: string, event: string, shown = event) => {
      if (!d.events.includes(key)) d.events.push(key);
      if (event !== plain) d.mappingEvents[plain] = event;
      if (!outcome.events.includes(shown)) outcome.events.push(shown);
    };
    for (const f of firing) {
      if (!f.migrated) {
        outcome.notes.push(`trigger "${f.name}" not migrated: ${f.why}`);
        continue;
      }
      const unless: DefinitionCondition[] = [];
      let blockedBad = false;
      for (const b of blocking) {
        if (!b.migrated) {
          // Fail closed: without its block a tag could fire where it must not (the patient portal).
          outcome.notes.push(`blocking trigger "${b.name}" cannot be carried over (${b.why}), so "${f.name}" is not migrated`);
          blockedBad = true;
          continue;
        }
        if (!blocks(b, f)) continue;
        if (b.conditions.some((c) => c.negate)) {
          outcome.notes.push(`blocking trigger "${b.name}" cannot be carried over (it has a negated filter), so "${f.name}" is not migrated`);
          blockedBad = true;
          continue;
        }
        const merged = mergeConditions(b.conditions.map((c) => c.condition));
        if (typeof merged === 'string') {
          outcome.notes.push(`blocking trigger "${b.name}" cannot be carried over (${merged}), so "${f.name}" is not migrated`);
          blockedBad = true;
          continue;
        }
        unless.push(merged);
        this.mark(b.id, `unless ${describeCondition(merged)} (for "${name}")`);
      }
      if (blockedBad) {
        outcome.status = 'review';
        this.mark(f.id, `not migrated for "${name}": a blocking trigger cannot be carried over`, true);
        continue;
      }
      const positive = f.conditions.filter((c) => !c.negate).map((c) => c.condition);
      for (const c of f.conditions.filter((c) => c.negate)) unless.push(c.condition);
      const when = mergeConditions(positive);
      if (typeof when === 'string') {
        outcome.notes.push(`trigger "${f.name}" not migrated: ${when}`);
        this.mark(f.id, `not migrated: ${when}`, true);
        continue;
      }
      migrated++;
      for (const n of f.notes) if (!outcome.notes.includes(n)) outcome.notes.push(n);
      const simple = Object.keys(when).length === 0 && unless.length === 0;
      // The plain keys: every page view, or the data layer events themselves.
      if (simple && f.on === 'pageview' && options.pageviewKey) {
        // The connector names page views in the vendor's way (GA4: page_view).
        addEvent('$pageview', '$pageview', '$pageview', vendorEvent === 'from-event' ? 'page_view' : vendorEvent);
        this.mark(f.id, '$pageview');
        continue;
      }
      if (f.on === 'event') fromEvent = true;
      if (f.on === 'event' && f.anyEvent) {
        outcome.notes.push(`trigger "${f.name}" fires on every data layer event: list the events to send (an allowlist names each one)`);
        outcome.status = 'review';
        continue;
      }
      const canUseKeys =
        simple &&
        f.on === 'event' &&
        f.events.every((e) => {
          const event = vendorEvent === 'from-event' ? e : vendorEvent;
          return d.mappingEvents[e] === undefined ? !d.events.includes(`dataLayer:${e}`) || event === e : d.mappingEvents[e] === event;
        });
      if (canUseKeys) {
        for (const e of f.events) {
          addEvent(`dataLayer:${e}`, e, vendorEvent === 'from-event' ? e : vendorEvent);
          this.mark(f.id, `dataLayer:${e}`);
        }
        continue;
      }
      // A definition named after the tag (several triggers give several definitions of one name;
      // the relay emits a name once per message).
      const targets =
        f.on === 'event'
          ? f.events.map((e) => ({
              event: `dataLayer:${e}`,
              vendor: vendorEvent === 'from-event' ? e : vendorEvent,
              defName: vendorEvent === 'from-event' ? this.uniqueName(tag, definitionName(`${tag.name} ${e}`)) : name,
            }))
          : [{ event: undefined, vendor: vendorEvent === 'from-event' ? name : vendorEvent, defName: name }];
      for (const t of targets) {
        const definition: EventDefinitionInput = {
          name: t.defName,
          on: f.on,
          ...(t.event === undefined ? {} : { event: t.event }),
          ...when,
          ...(unless.length > 0 ? { unless } : {}),
          description: `GTM tag "${tag.name.slice(0, 150)}", trigger "${f.name.slice(0, 150)}"`.slice(0, 500),
        };
        if (!this.definitions.some((x) => JSON.stringify(x) === JSON.stringify(definition))) this.definitions.push(definition);
        addEvent(t.defName, t.defName, t.vendor);
        this.mark(
          f.id,
          `definition "${t.defName}" (${f.on}${t.event ? ` ${t.event}` : ''}: ${describeCondition(when)}${unless.length ? `; unless ${unless.map(describeCondition).join(' or ')}` : ''})`,
        );
      }
      if (outcome.status === 'kept') outcome.status = 'changed';
      outcome.notes.push(`fires through the event definition "${name}" on the relay`);
    }
    if (migrated === 0) {
      // A tag held back for a block that cannot be carried over needs a person; otherwise it is dropped.
      if (outcome.status !== 'review') outcome.status = 'dropped';
      delete outcome.destination;
      outcome.notes.push('none of its triggers can be evaluated on the relay');
    }
    return { fromEvent };
  }

  /** Definition name -> the tag (and event) it belongs to: two tags never share a name. */
  readonly #owners = new Map<string, string>();

  /**
   * A definition name of this tag's own. Names are normalized (`:` becomes ` -`), so "Meta Pixel:
   * Base" of a GA4 tag would otherwise become the Meta tag's "Meta Pixel - Base" and fire it.
   */
  uniqueName(tag: Tag, wanted: string): string {
    const owner = `${tag.tagId ?? ''}\u0000${tag.name}\u0000${wanted}`;
    let name = wanted;
    for (let n = 2; this.#owners.has(name) && this.#owners.get(name) !== owner; n++) name = definitionName(`${wanted.slice(0, 180)} (${n})`);
    this.#owners.set(name, owner);
    return name;
  }

  mark(triggerId: string, became: string, failed = false): void {
    const set = this.became.get(triggerId) ?? new Set<string>();
    set.add(became);
    this.became.set(triggerId, set);
    if (failed) set.add('\u0000failed');
  }

  /** A measurement id from a literal, a constant, or the GA4 config tag a legacy event tag names. */
  measurementId(raw: string): string | undefined {
    const v = this.variables.value(raw);
    const value = v.kind === 'literal' || v.kind === 'constant' ? v.value.trim() : undefined;
    return value !== undefined && /^G-[A-Z0-9]{4,20}$/.test(value) ? value : undefined;
  }

  ga4Config(tag: Tag): void {
    const outcome = this.outcome(tag, tag.type === 'googtag' ? 'Google tag' : 'GA4 configuration', VENDOR.ga4);
    const id = this.measurementId(text(tag.parameter, tag.type === 'googtag' ? 'tagId' : 'measurementId'));
    if (id === undefined) {
      const raw = text(tag.parameter, tag.type === 'googtag' ? 'tagId' : 'measurementId');
      if (/^(AW|DC)-/.test(raw)) {
        outcome.status = 'dropped';
        outcome.notes.push('a Google tag for Google Ads: conversions are migrated from the conversion tags');
        return;
      }
      outcome.status = 'review';
      outcome.notes.push('its measurement id is not a literal G-... id or a constant: set measurementId by hand');
      return;
    }
    const d = this.ga4Destination(tag, id, outcome);
    const settings: Array<[string, string]> = [
      ...rows(tag.parameter, 'configSettingsTable').map((r): [string, string] => [r.parameter ?? '', r.parameterValue ?? '']),
      ...rows(tag.parameter, 'fieldsToSet').map((r): [string, string] => [r.name ?? r.fieldName ?? '', r.value ?? '']),
    ];
    const sendPageView = !settings.some(([k, v]) => k === 'send_page_view' && v === 'false') && text(tag.parameter, 'sendPageView') !== 'false';
    for (const [key, value] of settings) {
      if (key === 'send_page_view') continue;
      if (key === 'server_container_url' || key === 'transport_url') {
        outcome.notes.push(`${key} dropped: events go from the relay straight to Google`);
        if (outcome.status === 'kept') outcome.status = 'changed';
        continue;
      }
      if (key === 'user_id') {
        this.parameters.push({
          tag: tag.name,
          parameter: key,
          from: this.describe(value, this.variables.value(value)),
          verdict: 'mask',
          why: 'Palisade sends the masked user id of identify() itself',
        });
        continue;
      }
      this.parameters.push({
        tag: tag.name,
        parameter: key,
        from: this.describe(value, this.variables.value(value)),
        verdict: 'drop',
        why: 'a config setting for every event: set what should go with each event in the SDK, then allow it',
      });
      if (outcome.status === 'kept') outcome.status = 'changed';
    }
    const upd = text(tag.parameter, 'userDataVariable');
    if (upd) this.userData(tag, upd, outcome);
    if (sendPageView) this.sources(tag, outcome, d, 'page_view', { pageviewKey: true });
    else outcome.notes.push('send_page_view is off: no page views');
  }

  /** The GA4 destination of a measurement id, with the tag's consent settings carried over. */
  ga4Destination(tag: Tag, id: string, outcome: TagOutcome): DestinationDraft {
    const consent = consentOf(tag, 'analytics');
    outcome.destination = id;
    if (consent.carried) outcome.notes.push(`consent: needs ${consent.category} (from the tag's consent settings)`);
    return this.draft('ga4', id, { measurementId: id }, consent.category);
  }

  /** A user-provided data variable: AUTO mode scrapes the page for contact details. */
  userData(tag: Tag, raw: string, outcome: TagOutcome): void {
    const v = this.variables.value(raw);
    if (v.kind !== 'userProvidedData') return;
    const what = v.mode === 'AUTO' ? 'User-Provided Data variable in AUTO mode' : `User-Provided Data variable (${v.mode})`;
    const why =
      v.mode === 'AUTO'
        ? 'Google scrapes email, phone and address fields from the page and sends them hashed: PHI. Not migrated; enhanced conversions stay off (identifiers.contactHashes: never).'
        : `it sends the visitor's contact details (${v.fields.join(', ') || 'fields'}) hashed: PHI. Not migrated; enhanced conversions stay off (identifiers.contactHashes: never).`;
    this.critical.push({ tag: tag.name, what, why });
    outcome.notes.push(`${what}: not migrated (critical)`);
    if (outcome.status === 'kept') outcome.status = 'changed';
  }

  ga4Event(tag: Tag): void {
    const outcome = this.outcome(tag, 'GA4 event', VENDOR.ga4);
    const override = text(tag.parameter, 'measurementIdOverride');
    const legacy = param(tag.parameter, 'measurementId');
    let id = override ? this.measurementId(override) : undefined;
    if (id === undefined && legacy?.value) {
      const config = legacy.type === 'tagReference' ? this.tagsByName.get(legacy.value) : undefined;
      id = config ? this.measurementId(text(config.parameter, config.type === 'googtag' ? 'tagId' : 'measurementId')) : this.measurementId(legacy.value);
    }
    if (id === undefined) {
      const ga4 = [...this.container.containerVersion.tag]
        .filter((t) => t.type === 'googtag' || t.type === 'gaawc')
        .map((t) => this.measurementId(text(t.parameter, t.type === 'googtag' ? 'tagId' : 'measurementId')));
      const ids = [...new Set(ga4.filter((x): x is string => x !== undefined))];
      if (ids.length === 1) id = ids[0];
    }
    if (id === undefined) {
      outcome.status = 'review';
      outcome.notes.push('no measurement id could be resolved: set it by hand');
      return;
    }
    const d = this.ga4Destination(tag, id, outcome);
    const eventName = text(tag.parameter, 'eventName');
    const v = this.variables.value(eventName);
    let vendorEvent: string | 'from-event';
    if (v.kind === 'literal' || v.kind === 'constant') vendorEvent = v.value;
    else if (v.kind === 'event') vendorEvent = 'from-event';
    else if (v.kind === 'lookup' && this.variables.value(v.input).kind === 'event') {
      this.lookupEvents(tag, outcome, d, v);
      if (outcome.status !== 'review') this.ga4Parameters(tag, d, outcome, true);
      return;
    } else {
      outcome.status = 'review';
      outcome.notes.push('its event name is computed in the browser: set it by hand');
      return;
    }
    if (!/^[A-Za-z][\w ]{0,99}$/.test(vendorEvent === 'from-event' ? 'x' : vendorEvent)) {
      outcome.status = 'review';
      outcome.notes.push('its event name is not a GA4 event name');
      return;
    }
    const { fromEvent } = this.sources(tag, outcome, d, vendorEvent);
    if (outcome.status !== 'dropped') this.ga4Parameters(tag, d, outcome, fromEvent);
  }

  /** eventName = lookup({{Event}}): one data layer event per row, each to its GA4 name. */
  lookupEvents(tag: Tag, outcome: TagOutcome, d: DestinationDraft, v: Extract<Resolved, { kind: 'lookup' }>): void {
    const fires = tag.firingTriggerId.map((id) => this.plans.get(id)).filter((p): p is Extract<TriggerPlan, { migrated: true }> => p?.migrated === true && p.on === 'event');
    // Only plain custom events: a filter or a block would need a definition per row, and leaving
    // one out would send events the container never sent (fail closed).
    if (tag.blockingTriggerId.length > 0 || fires.length !== tag.firingTriggerId.length || fires.some((f) => f.conditions.length > 0)) {
      outcome.status = 'review';
      outcome.notes.push('its event name is a lookup table on the event, and its triggers have filters or blocks: write one definition per event by hand');
      return;
    }
    for (const row of v.table) {
      if (!/^[\w .-]{1,100}$/.test(row.key) || !/^[A-Za-z][\w]{0,39}$/.test(row.value) || isPrototypeKey(row.key)) continue;
      if (!fires.some((f) => f.anyEvent || f.events.includes(row.key))) continue;
      d.events.push(`dataLayer:${row.key}`);
      if (row.key !== row.value) d.mappingEvents[row.key] = row.value;
      outcome.events.push(row.value);
      for (const f of fires) this.mark(f.id, `dataLayer:${row.key}`);
    }
    outcome.status = 'changed';
    outcome.notes.push('its event name is a lookup table on the event: one allowed data layer event per row');
  }

  ga4Parameters(tag: Tag, d: DestinationDraft, outcome: TagOutcome, fromEvent: boolean): void {
    const table: Array<[string, string]> = [
      ...rows(tag.parameter, 'eventSettingsTable').map((r): [string, string] => [r.parameter ?? '', r.parameterValue ?? '']),
      ...rows(tag.parameter, 'eventParameters').map((r): [string, string] => [r.name ?? '', r.value ?? '']),
    ];
    const settingsVar = text(tag.parameter, 'eventSettingsVariable');
    const resolved = settingsVar ? this.variables.value(settingsVar) : undefined;
    if (resolved?.kind === 'settings') for (const r of resolved.table) table.push([r.parameter ?? '', r.parameterValue ?? '']);
    for (const [name, value] of table) {
      if (!name) continue;
      if (name === 'user_data') {
        this.userData(tag, value, outcome);
        continue;
      }
      this.parameter(tag, d, name, value, outcome, fromEvent);
    }
    for (const r of [...rows(tag.parameter, 'userProperties'), ...(resolved?.kind === 'settings' ? resolved.userProperties : [])]) {
      const name = r.name ?? '';
      if (!name) continue;
      this.parameters.push({
        tag: tag.name,
        parameter: `user property ${name}`,
        from: this.describe(r.value ?? '', this.variables.value(r.value ?? '')),
        verdict: 'drop',
        why: 'GA4 user properties describe the person: send them with identify() and allow them under userProperties after review',
      });
      if (outcome.status === 'kept') outcome.status = 'changed';
    }
  }

  adsConversion(tag: Tag): void {
    const outcome = this.outcome(tag, 'Google Ads conversion', VENDOR['google-ads']);
    const conversionId = text(tag.parameter, 'conversionId').replace(/^AW-/, '');
    const label = text(tag.parameter, 'conversionLabel');
    if (!/^\d{5,15}$/.test(conversionId) || !/^[\w-]{1,64}$/.test(label)) {
      outcome.status = 'review';
      outcome.notes.push('its conversion id or label is not a literal: set them by hand');
      return;
    }
    const d = this.draft(
      'google-ads',
      conversionId,
      { customerId: '000-000-0000', clientId: 'set-me.apps.googleusercontent.com', validateOnly: true },
      consentOf(tag, 'advertising').category,
      false,
    );
    outcome.destination = conversionId;
    const { fromEvent } = this.sources(tag, outcome, d, label);
    for (const key of ['conversionValue', 'currencyCode']) {
      const raw = text(tag.parameter, key);
      if (raw) this.parameter(tag, d, key === 'conversionValue' ? 'value' : 'currency', raw, outcome, fromEvent);
    }
    if (text(tag.parameter, 'orderId'))
      this.parameters.push({
        tag: tag.name,
        parameter: 'orderId',
        from: this.describe(text(tag.parameter, 'orderId'), this.variables.value(text(tag.parameter, 'orderId'))),
        verdict: 'drop',
        why: 'Palisade sets order_id itself (an opaque id of the event, so a retry counts once)',
      });
    const upd = text(tag.parameter, 'cssProvidedEnhancedConversionValue');
    if (upd) this.userData(tag, upd, outcome);
    else if (text(tag.parameter, 'enableEnhancedConversion') === 'true') {
      this.critical.push({ tag: tag.name, what: 'enhanced conversions', why: "it sends the visitor's hashed contact details: not migrated (identifiers.contactHashes: never)" });
    }
    if (outcome.status !== 'dropped') {
      outcome.status = outcome.status === 'review' ? 'review' : 'changed';
      outcome.notes.push(`Google Ads needs your customer id, OAuth client and the conversion action id for label ${label}: the destination is off until you set them`);
    }
  }

  customHtml(tag: Tag): void {
    const html = text(tag.parameter, 'html');
    const reading = this.reading(tag);
    const handled: string[] = [];
    const consent = consentOf(tag, 'advertising').category;
    const fromCalls = (
      vendor: DestinationType,
      account: string | undefined,
      settings: (account: string) => Record<string, unknown>,
      events: Array<{ name: string; params?: Literal; mappedTo?: string }>,
      kind: string,
    ) => {
      const outcome = this.outcome(tag, kind, VENDOR[vendor]);
      handled.push(vendor);
      if (account === undefined) {
        outcome.status = 'review';
        outcome.notes.push(`no ${VENDOR[vendor]} account id in the tag (it may come from another tag): set it by hand`);
        return;
      }
      const d = this.draft(vendor, account, settings(account), consent);
      outcome.destination = account;
      for (const e of events) {
        const { fromEvent } = this.sources(tag, outcome, d, e.mappedTo ?? e.name, events.length > 1 ? { suffix: e.name } : {});
        if (e.params && typeof e.params === 'object' && !Array.isArray(e.params) && !isExpression(e.params)) {
          for (const [k, value] of Object.entries(e.params)) {
            if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') this.parameter(tag, d, k, String(value), outcome, fromEvent);
            else this.parameters.push({ tag: tag.name, parameter: k, from: 'an expression in the tag', verdict: 'drop', why: 'computed in the browser: not run on the relay' });
          }
        }
      }
      if (events.length === 0) {
        outcome.status = 'dropped';
        outcome.notes.push('it only loads the pixel: page views come from autotrack');
      }
    };
    const args = (callee: string) => reading.calls.filter((c) => c.callee === callee).map((c) => c.args);
    // Meta
    const fbq = args('fbq');
    if (fbq.length > 0) {
      const init = fbq.find((a) => a[0] === 'init');
      const own = typeof init?.[1] === 'string' || typeof init?.[1] === 'number' ? String(init[1]) : undefined;
      const found = own ?? this.only('meta');
      const pixel = found !== undefined && /^\d{5,20}$/.test(found) ? found : undefined;
      if (init && init[2] !== undefined) {
        const keys = typeof init[2] === 'object' && init[2] !== null && !isExpression(init[2]) ? Object.keys(init[2]) : ['(computed)'];
        this.critical.push({
          tag: tag.name,
          what: `Meta advanced matching (${keys.join(', ')})`,
          why: "fbq('init') sends the visitor's contact details to Meta: not migrated (identifiers.contactHashes: never)",
        });
      }
      const events = fbq.filter((a) => (a[0] === 'track' || a[0] === 'trackCustom') && typeof a[1] === 'string').map((a) => ({ name: a[1] as string, params: a[2] }));
      fromCalls('meta', pixel, (id) => ({ pixelId: id }), events, 'Custom HTML (Meta pixel)');
      if (init && init[2] !== undefined) this.tags[this.tags.length - 1]!.notes.push('advanced matching not migrated (critical)');
    }
    // TikTok
    const load = args('ttq.load')[0];
    const ttTrack = args('ttq.track');
    if (load || ttTrack.length > 0) {
      const found = typeof load?.[0] === 'string' ? load[0] : this.only('tiktok');
      const code = found !== undefined && /^[A-Z0-9]{8,32}$/.test(found) ? found : undefined;
      if (args('ttq.identify').length > 0) this.critical.push({ tag: tag.name, what: 'TikTok ttq.identify', why: "it sends the visitor's email or phone to TikTok: not migrated" });
      fromCalls(
        'tiktok',
        code,
        (id) => ({ pixelCode: id }),
        ttTrack.filter((a) => typeof a[0] === 'string').map((a) => ({ name: a[0] as string, params: a[1] })),
        'Custom HTML (TikTok pixel)',
      );
    }
    // LinkedIn
    const lintrk = args('lintrk').filter((a) => a[0] === 'track');
    if (lintrk.length > 0 || reading.linkedinPartnerId) {
      const conversions = lintrk
        .map((a) => (a[1] as Record<string, Literal> | undefined)?.conversion_id)
        .filter((c): c is string | number => typeof c === 'string' || typeof c === 'number');
      fromCalls(
        'linkedin',
        reading.linkedinPartnerId ?? (conversions.length > 0 ? 'linkedin' : undefined),
        () => ({}),
        conversions.map((c) => ({ name: 'LinkedIn Conversion', mappedTo: String(c) })),
        'Custom HTML (LinkedIn Insight tag)',
      );
    }
    // Microsoft UET
    const uet = args('uetq.push');
    if (uet.length > 0 || reading.uetTagId) {
      if (uet.some((a) => a[0] === 'set' && typeof a[1] === 'object' && a[1] !== null && 'pid' in (a[1] as object))) {
        this.critical.push({ tag: tag.name, what: 'Microsoft enhanced conversions (uetq set pid)', why: "it sends the visitor's email or phone: not migrated" });
      }
      const events = uet.filter((a) => a[0] === 'event' && typeof a[1] === 'string').map((a) => ({ name: a[1] as string, params: a[2] }));
      fromCalls('microsoft-ads', reading.uetTagId ?? this.only('uet'), (id) => ({ tagId: id }), events, 'Custom HTML (Microsoft UET tag)');
    }
    if (handled.length > 0) return;
    const vendor = vendorOfHosts(reading.hosts);
    const outcome = this.outcome(tag, 'Custom HTML', vendor ?? 'unknown');
    outcome.wouldSend = [
      ...reading.hosts.map((h) => `requests to ${h}`),
      ...references(html)
        .slice(0, 20)
        .map((r) => `the value of {{${r}}}`),
    ];
    if (vendor !== undefined) {
      outcome.status = 'dropped';
      outcome.notes.push(`Palisade has no destination for ${vendor} yet; ${VENDOR_NOTES[vendor] ?? 'it would send page visits from the browser'}`);
    } else {
      outcome.status = 'review';
      outcome.notes.push('custom code Palisade does not recognize: never run by the relay; review what it does');
    }
  }

  run(): void {
    for (const tag of this.container.containerVersion.tag) {
      if (tag.paused) {
        const o = this.outcome(tag, kindName(tag.type), vendorOfTagType(tag.type));
        o.status = 'dropped';
        o.notes.push('paused in GTM');
        continue;
      }
      switch (tag.type) {
        case 'googtag':
        case 'gaawc':
          this.ga4Config(tag);
          break;
        case 'gaawe':
          this.ga4Event(tag);
          break;
        case 'awct':
          this.adsConversion(tag);
          break;
        case 'html':
          this.customHtml(tag);
          break;
        default:
          this.notMigrated(tag);
      }
      if (tag.tagFiringOption === 'oncePerLoad') this.tags[this.tags.length - 1]?.notes.push('"once per page" becomes once per event on the relay');
      if ((tag.setupTag?.length ?? 0) + (tag.teardownTag?.length ?? 0) > 0)
        this.tags[this.tags.length - 1]?.notes.push('setup and cleanup tags: the relay sends each event on its own');
    }
  }

  notMigrated(tag: Tag): void {
    const o = this.outcome(tag, kindName(tag.type), vendorOfTagType(tag.type));
    o.status = 'dropped';
    switch (tag.type) {
      case 'ua':
        o.notes.push('Universal Analytics stopped processing data in 2024');
        break;
      case 'sp':
        o.notes.push('remarketing builds ad audiences from the pages people visit: on a health site that is an audience of patients. Not migrated');
        break;
      case 'gclidw':
        o.notes.push('the conversion linker keeps click ids in cookies; Palisade keeps them itself and sends them only under a patient authorization');
        break;
      case 'img': {
        const url = text(tag.parameter, 'url');
        const host = /^(?:https?:)?\/\/([^/?#{}]+)/i.exec(url)?.[1]?.toLowerCase();
        o.vendor = vendorOfHosts(host ? [host] : []) ?? host ?? 'unknown';
        o.wouldSend = host ? [`an image request to ${host}`, ...references(url).map((r) => `the value of {{${r}}}`)] : [];
        o.notes.push('an image pixel sends from the browser: replace it with a destination');
        break;
      }
      default: {
        o.status = 'review';
        const template = tag.type.startsWith('cvt_')
          ? this.container.containerVersion.customTemplate.find((t) => tag.type.endsWith(`_${t.templateId}`) || t.galleryReference?.galleryTemplateId === tag.type.slice(4))
          : undefined;
        if (template?.name) o.kind = `Custom template "${template.name.slice(0, 100)}"`;
        o.wouldSend = tag.parameter.filter((p) => p.key).map((p) => `${p.key}${p.value && reference(p.value) ? ` = {{${reference(p.value)}}}` : ''}`);
        o.notes.push(
          tag.type.startsWith('cvt_')
            ? 'a custom template runs its own code in the browser: never run by the relay; review what it sends'
            : 'a tag type Palisade does not migrate; review',
        );
      }
    }
  }
}

const VENDOR_NOTES: Record<string, string> = {
  Hotjar: 'session recording sends what patients read and type on the page',
  'Microsoft Clarity': 'session recording sends what patients read and type on the page',
  Mixpanel: 'a product analytics tool; add it when Palisade has a destination for it',
  Amplitude: 'a product analytics tool; add it when Palisade has a destination for it',
};

const HOST_VENDORS: Array<[RegExp, string]> = [
  [/(^|\.)hotjar\.(com|io)$/, 'Hotjar'],
  [/(^|\.)clarity\.ms$/, 'Microsoft Clarity'],
  [/(^|\.)mixpanel\.com$/, 'Mixpanel'],
  [/(^|\.)amplitude\.com$/, 'Amplitude'],
  [/(^|\.)(facebook\.(com|net))$/, 'Meta'],
  [/(^|\.)(tiktok\.com)$/, 'TikTok'],
  [/(^|\.)(licdn\.com|linkedin\.com)$/, 'LinkedIn'],
  [/(^|\.)bing\.com$/, 'Microsoft Advertising'],
  [/(^|\.)(doubleclick\.net|googleadservices\.com|googlesyndication\.com)$/, 'Google Ads'],
  [/(^|\.)(google-analytics\.com|googletagmanager\.com)$/, 'Google Analytics'],
  [/(^|\.)(snapchat\.com|sc-static\.net)$/, 'Snapchat'],
  [/(^|\.)(pinterest\.com|pinimg\.com)$/, 'Pinterest'],
  [/(^|\.)(twitter\.com|ads-twitter\.com|t\.co)$/, 'X (Twitter)'],
  [/(^|\.)segment\.(com|io)$/, 'Segment'],
  [/(^|\.)posthog\.com$/, 'PostHog'],
];

export function vendorOfHosts(hosts: string[]): string | undefined {
  for (const host of hosts) for (const [pattern, vendor] of HOST_VENDORS) if (pattern.test(host)) return vendor;
  return undefined;
}

/** Tag types are the export's text: looked up in Maps, never as object keys (`constructor`). */
const KIND_NAMES = new Map([
  ['googtag', 'Google tag'],
  ['gaawc', 'GA4 configuration'],
  ['gaawe', 'GA4 event'],
  ['awct', 'Google Ads conversion'],
  ['sp', 'Google Ads remarketing'],
  ['gclidw', 'Conversion linker'],
  ['ua', 'Universal Analytics'],
  ['html', 'Custom HTML'],
  ['img', 'Custom image'],
]);
const TAG_TYPE_VENDORS = new Map([
  ['googtag', 'Google'],
  ['gaawc', 'Google Analytics 4'],
  ['gaawe', 'Google Analytics 4'],
  ['awct', 'Google Ads'],
  ['sp', 'Google Ads'],
  ['gclidw', 'Google Ads'],
  ['ua', 'Google Analytics (Universal)'],
]);

function kindName(type: string): string {
  return KIND_NAMES.get(type) ?? (type.startsWith('cvt_') ? 'Custom template' : `Tag type ${type.replace(/[^\w-]/g, '').slice(0, 40)}`);
}

function vendorOfTagType(type: string): string {
  return TAG_TYPE_VENDORS.get(type) ?? 'unknown';
}

/** Destination ids: the type alone when there is one of it, with the account otherwise. */
function assignIds(drafts: DestinationDraft[]): void {
  const byType = new Map<string, DestinationDraft[]>();
  for (const d of drafts) byType.set(d.type, [...(byType.get(d.type) ?? []), d]);
  for (const [type, list] of byType) {
    for (const d of list)
      d.id =
        list.length === 1
          ? type
          : `${type}-${d.account
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, '-')
              .slice(0, 40)}`.replace(/-+$/, '');
  }
}

const envName = (id: string, field: string) => `${id}_${field.replace(/([a-z])([A-Z])/g, '$1_$2')}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

export function importContainer(container: ContainerExport, options: ImportOptions): ImportResult {
  const importer = new Importer(container, options.origins ?? []);
  importer.run();
  // A tag whose PHI part was left behind is changed, whatever else of it was kept.
  for (const finding of importer.critical) {
    for (const tag of importer.tags) if (tag.tag === finding.tag && tag.status === 'kept') tag.status = 'changed';
  }
  const drafts = [...importer.drafts.values()].filter((d) => d.events.length > 0);
  assignIds(drafts);
  const env: EnvVar[] = [{ name: 'PALISADE_MASKING_KEY', holds: 'the relay\u2019s masking key (palisade keys generate); only the relay holds it' }];
  const destinations = drafts.map((d) => {
    const settings: Record<string, unknown> = { ...d.settings };
    for (const [field, holds] of SECRETS[d.type]) {
      const name = envName(d.id!, field);
      settings[field] = `env:${name}`;
      env.push({ name, holds: `${VENDOR[d.type]}: ${holds}` });
    }
    if (options.sandbox) {
      settings.endpoint = `${options.sandbox}${SANDBOX_PATH[d.type]}`;
      if (d.type === 'google-ads') settings.tokenUrl = `${options.sandbox}/google-ads/token`;
    }
    for (const tag of importer.tags) if (tag.destination === d.account && tag.vendor === VENDOR[d.type]) tag.destination = d.id!;
    const mapping: Record<string, unknown> = {};
    if (Object.keys(d.mappingEvents).length > 0) mapping.events = d.mappingEvents;
    if (Object.keys(d.mappingProperties).length > 0) mapping.properties = d.mappingProperties;
    if (Object.keys(d.constants).length > 0) mapping.constants = d.constants;
    return {
      id: d.id!,
      type: d.type,
      ...(d.enabled ? {} : { enabled: false }),
      connection: 'server',
      hipaa: { enabled: true },
      consent: d.consent,
      settings,
      allow: { production: { events: d.events, eventProperties: d.eventProperties } },
      ...(Object.keys(mapping).length > 0 ? { mapping } : {}),
    };
  });
  // Tags whose vendor got no destination (nothing migrated) keep the account in the report only.
  for (const tag of importer.tags) if (tag.destination !== undefined && !destinations.some((d) => d.id === tag.destination)) delete tag.destination;

  const config: Record<string, unknown> = {
    version: 1,
    environments: { production: { writeKey: options.writeKey, allowedOrigins: options.origins ?? [] } },
    masking: { key: 'env:PALISADE_MASKING_KEY' },
    browser: { csp: { mode: 'report-only' } },
    definitions: importer.definitions,
    destinations,
  };

  const triggers: TriggerOutcome[] = [];
  for (const [id, plan] of importer.plans) {
    const became = importer.became.get(id);
    const used = container.containerVersion.tag.some((t) => !t.paused && (t.firingTriggerId.includes(id) || t.blockingTriggerId.includes(id)));
    if (!used && !container.containerVersion.trigger.some((t) => t.triggerId === id)) continue; // built-ins nobody uses
    const failed = became?.has('\u0000failed') ?? false;
    const list = [...(became ?? [])].filter((b) => b !== '\u0000failed');
    const status = !plan.migrated || failed ? 'not migrated' : list.length === 0 ? 'not used' : 'migrated';
    triggers.push({
      trigger: plan.name,
      type: plan.migrated ? plan.on : plan.type,
      status: used ? status : 'not used',
      became: list,
      notes: plan.migrated ? [...plan.notes, ...plan.ignored.map((i) => `ignored ${i}`), ...(status === 'not used' ? ['no migrated tag fires on it'] : [])] : [plan.why],
    });
  }

  const counts: Record<TagStatus, number> = { kept: 0, changed: 0, dropped: 0, review: 0 };
  for (const t of importer.tags) counts[t.status]++;
  const v = container.containerVersion;
  const report: MigrationReport = {
    container: {
      id: /^GTM-[A-Z0-9]{1,12}$/.test(v.container.publicId ?? '') ? v.container.publicId! : 'unknown',
      name: withoutControls(v.container.name ?? v.name ?? '').slice(0, 100),
      version: /^\d{1,20}$/.test(String(v.containerVersionId ?? '')) ? String(v.containerVersionId) : '',
      exportTime: /^[\d\-: TZ.+]{1,40}$/.test(container.exportTime ?? '') ? container.exportTime! : '',
      tags: v.tag.length,
      triggers: v.trigger.length,
      variables: v.variable.length,
    },
    counts,
    critical: importer.critical,
    tags: importer.tags,
    parameters: importer.parameters,
    triggers,
    env,
    nextSteps: nextSteps(
      destinations.some((d) => d.type === 'google-ads'),
      options.origins === undefined || options.origins.length === 0,
    ),
  };
  return { config, report };
}

function nextSteps(ads: boolean, noOrigin: boolean): string[] {
  return [
    'Review this report with whoever owns the data: every "review" and "dropped" tag, and every parameter that is masked or dropped.',
    ...(noOrigin ? ["Add your site's origin (https://www.example.org) to environments.production.allowedOrigins."] : []),
    'Set the environment variables listed here in your secret manager, then run `palisade config check palisade.config.yaml`.',
    ...(ads ? ['Google Ads: set customerId, clientId and the conversion action ids, set validateOnly: false and enabled: true.'] : []),
    'Remove the GTM snippet from your pages and add the Palisade script tag; the tag shims keep gtag, fbq and dataLayer calls working.',
    'Go live with the Content-Security-Policy in report-only mode and run `palisade scan` against your pages in CI.',
    'Check with `palisade definitions test palisade.config.yaml` that the event definitions match the clicks and forms you expect.',
    'When the scanner and the CSP reports are clean, set browser.csp.mode: enforce.',
  ];
}
