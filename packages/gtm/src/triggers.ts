/**
 * GTM triggers as what the relay can evaluate. A trigger holds when its type's event happens and
 * every filter holds (filters are ANDed; `negate` flips one). Pageviews become `$pageview`,
 * clicks, link clicks and form submissions event definitions on autotrack's element chain,
 * custom events the `dataLayer` shim's events. Timers, scroll depth, visibility, video and error
 * triggers have no server-side equivalent: they are reported with why.
 */
import type { DefinitionCondition } from '@palisade/schema';
import { parseSelector, selectorProblem } from '@palisade/schema';
import type { Condition, ContainerExport, Trigger } from './export-format.js';
import { flag, isPrototypeKey, reference, text } from './parameters.js';
import { printableConstant } from './phi.js';
import type { Variables } from './variables.js';

/** Built-in trigger ids: they are not in the export's trigger list. */
export const BUILT_IN_TRIGGERS: Record<string, string> = {
  '2147479553': 'All Pages',
  '2147479572': 'Consent Initialization - All Pages',
  '2147479573': 'Initialization - All Pages',
};

export type TriggerOn = 'pageview' | 'click' | 'submit' | 'event';

/** One condition as a definition condition, and whether it was negated. */
export interface PlannedCondition {
  condition: DefinitionCondition;
  negate: boolean;
  /** What changed in the translation, for the report (`matched without regard to case`). */
  note?: string;
}

export type TriggerPlan =
  | {
      migrated: true;
      id: string;
      name: string;
      on: TriggerOn;
      /** on: event: the data layer event names it holds for (several for a regex alternation). */
      events: string[];
      /** For any event name (a custom event trigger on `.*`): it applies to every trigger kind when blocking. */
      anyEvent: boolean;
      conditions: PlannedCondition[];
      /** Filters left out because they always hold on one site (`Page Hostname`). */
      ignored: string[];
      notes: string[];
    }
  | { migrated: false; id: string; name: string; type: string; why: string };

const NOT_MIGRATED: Record<string, string> = {
  historyChange: 'autotrack already sends each SPA navigation as a page view ($pageview): allow $pageview instead',
  timer: 'a timer fires while the page is open; the relay sees events, not time on the page',
  scrollDepth: 'scroll depth is not sent by autotrack (it would be an event per scroll on every page)',
  elementVisibility: 'element visibility is measured in the browser; autotrack does not send it',
  youTubeVideo: 'YouTube embeds are blocked by Palisade (the player tells Google who watched what)',
  jsError: 'JavaScript errors are not analytics events; use an error monitor under a BAA',
  triggerGroup: 'a trigger group waits for several triggers in one page view; the relay evaluates events one at a time',
  always: 'an "always" trigger has no event',
  serverPageview: 'a server-side trigger',
};

/** `a|b|c` with only literal alternatives, `^x$`, `^x`, `x$`, `x`: the regexes a glob can say. */
export function simpleRegex(pattern: string): { alternatives: string[]; anchoredStart: boolean; anchoredEnd: boolean } | undefined {
  const anchoredStart = pattern.startsWith('^');
  const anchoredEnd = pattern.endsWith('$') && !pattern.endsWith('\\$');
  const body = pattern.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
  const alternatives = (body.startsWith('(') && body.endsWith(')') ? body.slice(1, -1) : body).split('|');
  const literal = /^(?:[^\\^$.|?*+()[\]{}]|\\[./\-_?*+()[\]{}$^|])+$/;
  if (alternatives.some((a) => !literal.test(a))) return undefined;
  return { alternatives: alternatives.map((a) => a.replace(/\\(.)/g, '$1')), anchoredStart, anchoredEnd };
}

/** The glob for a condition operator on a literal operand; undefined when it cannot be one. */
function globFor(op: string, operand: string): { glob: string } | { why: string } {
  if (operand.includes('*')) return { why: `the value ${JSON.stringify(printableConstant(operand))} contains *, which a definition pattern reads as a wildcard` };
  switch (op) {
    case 'equals':
      return { glob: operand };
    case 'contains':
      return { glob: `*${operand}*` };
    case 'startsWith':
      return { glob: `${operand}*` };
    case 'endsWith':
      return { glob: `*${operand}` };
    case 'matchRegex': {
      const simple = simpleRegex(operand);
      if (simple === undefined || simple.alternatives.length !== 1)
        return { why: 'a regular expression that is not a plain text match (regular expressions are not evaluated on visitor input)' };
      const a = simple.alternatives[0]!;
      return { glob: `${simple.anchoredStart ? '' : '*'}${a}${simple.anchoredEnd ? '' : '*'}` };
    }
    default:
      return { why: `the operator ${op} has no pattern equivalent` };
  }
}

/** Attribute operators by condition type (a Map: condition types come from the export). */
const ATTRIBUTE_OPERATORS = new Map([
  ['equals', '='],
  ['contains', '*='],
  ['startsWith', '^='],
  ['endsWith', '$='],
]);

/**
 * A link's href as autotrack records it: its path for a link on the site, only the origin for a
 * link to another site. A full URL is placed by the site's origins (`--origin`): without them the
 * importer cannot tell which links are the site's, and says so rather than guess.
 */
function hrefSelector(op: string, operand: string, origins: readonly string[]): { selector: string; note?: string } | { why: string } {
  const attr = ATTRIBUTE_OPERATORS.get(op);
  if (attr === undefined) return { why: `the operator ${op} has no selector equivalent` };
  let value = operand;
  let note: string | undefined;
  if (/^https?:\/\//i.test(operand)) {
    let url: URL;
    try {
      url = new URL(operand);
    } catch {
      return { why: 'the URL does not parse' };
    }
    if (origins.length === 0) return { why: 'a full URL: run the import with --origin so it knows which links are your site\u2019s' };
    if (origins.includes(url.origin)) value = op === 'contains' || op === 'endsWith' ? url.pathname.replace(/^\/$/, '') || '/' : url.pathname;
    else {
      value = url.origin;
      if (url.pathname !== '/' || url.search) note = `links to ${url.origin} are matched on the origin alone: autotrack keeps only the origin of other sites' links`;
    }
  }
  if (value.includes('"') || value.includes('\\')) return { why: 'the URL holds a quote or backslash' };
  const selector = `a[href${attr}${JSON.stringify(value)}]`;
  return note === undefined ? { selector } : { selector, note };
}

/** Ids and classes autotrack leaves out of the chain (they look like identifiers). */
const DROPPED_BY_AUTOTRACK = /\d{3,}|@/;

/** A condition the relay's schema takes, or why not (checked before it is written). */
function conditionProblem(c: DefinitionCondition): string | undefined {
  if (c.selector !== undefined) {
    const problem = selectorProblem(c.selector);
    if (problem !== undefined) return `the selector is outside what the relay matches (${problem})`;
    for (const complex of parseSelector(c.selector)) {
      for (const compound of complex.compounds) {
        for (const token of [compound.id ?? '', ...compound.classes]) {
          if (DROPPED_BY_AUTOTRACK.test(token))
            return `autotrack leaves the id or class "${token.slice(0, 40)}" out of the chain (it looks like an identifier), so it could never match`;
        }
      }
    }
  }
  for (const glob of [c.text, c.url, ...Object.values(c.properties ?? {})])
    if (glob !== undefined && (glob.length === 0 || glob.length > 500)) return 'a pattern longer than 500 characters';
  return undefined;
}

/** One filter as a definition condition. */
function planCondition(c: Condition, variables: Variables, on: TriggerOn, origins: readonly string[]): PlannedCondition | { ignored: string } | { why: string } {
  const planned = translateCondition(c, variables, on, origins);
  if (!('condition' in planned)) return planned;
  const problem = conditionProblem(planned.condition);
  return problem === undefined ? planned : { why: problem };
}

function translateCondition(c: Condition, variables: Variables, on: TriggerOn, origins: readonly string[]): PlannedCondition | { ignored: string } | { why: string } {
  const arg0 = text(c.parameter, 'arg0');
  const operand = text(c.parameter, 'arg1');
  const negate = flag(c.parameter, 'negate');
  const op = c.type.replace(/[^\w]/g, '').slice(0, 40);
  const ref = reference(arg0);
  if (ref === undefined) return { why: `a filter on ${JSON.stringify(printableConstant(arg0))}, which is not a variable` };
  const v = variables.resolve(ref);
  const say = (why: string) => ({ why: `{{${ref}}} ${op} ...: ${why}` });
  if (v.kind === 'page') {
    if (v.part === 'hostname') return { ignored: `{{${ref}}}: each Palisade environment is one site` };
    if (v.part !== 'path' && v.part !== 'url') return say(`the ${v.part} is not kept for definitions`);
    if (operand.includes('?')) return say('query strings are not kept for definitions');
    const g = globFor(op, operand);
    if ('why' in g) return say(g.why);
    // A pattern with a scheme is matched against origin and path, any other against the path.
    return { condition: { url: g.glob }, negate };
  }
  if (v.kind === 'event') {
    if (on !== 'event') return say('only custom event triggers filter on the event name');
    return { ignored: 'event name (handled by the trigger)' };
  }
  if (v.kind === 'element') {
    if (on !== 'click' && on !== 'submit') return say('element variables exist only for clicks and form submissions');
    if (v.part === 'text') {
      if (on !== 'click') return say('autotrack does not send a form\u2019s text');
      const g = globFor(op, operand);
      return 'why' in g ? say(g.why) : { condition: { text: g.glob }, negate };
    }
    if (v.part === 'element' && op === 'cssSelector') {
      const problem = selectorProblem(operand);
      return problem === undefined ? { condition: { selector: operand }, negate } : say(`the selector is outside what the relay matches (${problem})`);
    }
    if (v.part === 'id' && op === 'equals' && /^[\w-]+$/.test(operand)) return { condition: { selector: `${v.of === 'form' ? 'form' : ''}#${operand}` }, negate };
    if (v.part === 'classes') {
      const attr = ATTRIBUTE_OPERATORS.get(op);
      if (attr !== undefined && /^[\w -]+$/.test(operand)) return { condition: { selector: `[class${attr}"${operand.trim().replace(/\s+/g, ' ')}"]` }, negate };
    }
    if (v.part === 'url' && on === 'click') {
      const href = hrefSelector(op, operand, origins);
      if ('why' in href) return say(href.why);
      return {
        condition: { selector: href.selector },
        negate,
        note: href.note ?? 'a link\u2019s URL is matched on its path (same site) or origin (other sites), as autotrack records it',
      };
    }
    return say(`no equivalent on autotrack's element chain for this ${v.part} test`);
  }
  if (v.kind === 'dataLayer') {
    if (on !== 'event') return say('data layer values are not part of clicks, submissions and page views on the relay');
    const g = globFor(op, operand);
    return 'why' in g ? say(g.why) : { condition: { properties: { [v.path]: g.glob } }, negate };
  }
  if (v.kind === 'constant') return say('a filter on a constant always or never holds; check it by hand');
  return say(v.kind === 'review' ? `${v.what} is not evaluated on the relay` : 'the relay has no equivalent of this variable');
}

export function planTrigger(trigger: Trigger, variables: Variables, origins: readonly string[] = []): TriggerPlan {
  const base = { id: trigger.triggerId, name: trigger.name };
  const type = trigger.type;
  let on: TriggerOn;
  const notes: string[] = [];
  const extra: PlannedCondition[] = [];
  switch (type) {
    case 'pageview':
    case 'domReady':
    case 'windowLoaded':
    case 'init':
    case 'consentInit':
      on = 'pageview';
      break;
    case 'click':
      on = 'click';
      notes.push('autotrack sends clicks on links, buttons, labels and [role=button] only');
      break;
    case 'linkClick':
      on = 'click';
      extra.push({ condition: { selector: 'a' }, negate: false });
      break;
    case 'formSubmission':
      on = 'submit';
      break;
    case 'customEvent':
      on = 'event';
      break;
    default:
      return {
        ...base,
        migrated: false,
        type,
        why: (Object.hasOwn(NOT_MIGRATED, type) ? NOT_MIGRATED[type] : undefined) ?? `the trigger type ${type.replace(/[^\w]/g, '').slice(0, 40)} has no equivalent on the relay`,
      };
  }

  let events: string[] = [];
  let anyEvent = false;
  if (on === 'event') {
    const eventFilter = trigger.customEventFilter.find((c) => reference(text(c.parameter, 'arg0')) !== undefined);
    const operand = eventFilter ? text(eventFilter.parameter, 'arg1') : '';
    if (!eventFilter) return { ...base, migrated: false, type, why: 'a custom event trigger without an event name' };
    if (eventFilter.type === 'equals') events = [operand];
    else if (eventFilter.type === 'matchRegex') {
      if (operand === '.*' || operand === '.+' || operand === '^.*$') anyEvent = true;
      else {
        const simple = simpleRegex(operand);
        if (simple === undefined || !simple.anchoredStart || !simple.anchoredEnd) {
          return {
            ...base,
            migrated: false,
            type,
            why: `the event name pattern ${JSON.stringify(printableConstant(operand))} is not a list of names (write ^(a|b)$ or one trigger per event)`,
          };
        }
        events = simple.alternatives;
      }
    } else return { ...base, migrated: false, type, why: `the event name test ${eventFilter.type} is not supported (use equals or a regex list of names)` };
    if (events.some((e) => !/^[\w .:-]{1,100}$/.test(e) || isPrototypeKey(e))) return { ...base, migrated: false, type, why: 'an event name with unexpected characters' };
  }

  const conditions: PlannedCondition[] = [...extra];
  const ignored: string[] = [];
  for (const c of [...trigger.filter, ...trigger.autoEventFilter]) {
    const planned = planCondition(c, variables, on, origins);
    if ('why' in planned) return { ...base, migrated: false, type, why: `filter ${planned.why}` };
    if ('ignored' in planned) ignored.push(planned.ignored);
    else {
      conditions.push(planned);
      if (planned.note && !notes.includes(planned.note)) notes.push(planned.note);
    }
  }
  // The same filter often appears in filter and autoEventFilter (link clicks): once is enough.
  const seen = new Set<string>();
  const unique = conditions.filter((c) => {
    const key = JSON.stringify(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ...base, migrated: true, on, events, anyEvent, conditions: unique, ignored, notes };
}

/** Every trigger of the container by id, the built-in ones included. */
export function planTriggers(container: ContainerExport, variables: Variables, origins: readonly string[] = []): Map<string, TriggerPlan> {
  const plans = new Map<string, TriggerPlan>();
  for (const [id, name] of Object.entries(BUILT_IN_TRIGGERS))
    plans.set(id, { id, name, migrated: true, on: 'pageview', events: [], anyEvent: false, conditions: [], ignored: [], notes: [] });
  for (const t of container.containerVersion.trigger) plans.set(t.triggerId, planTrigger(t, variables, origins));
  return plans;
}
