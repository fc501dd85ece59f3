/**
 * Event definitions at ingest: each accepted message is checked against the config's
 * `definitions:`, and every definition it matches adds a `track` message named by the definition
 * beside it (the original stays). Destinations allow a definition's event by its name, like any
 * event, so the allowlist, masks and consent apply to it as to everything else.
 *
 * Pure: `compileDefinitions` parses selectors and patterns once per config; `withDefinitions`
 * depends only on its arguments.
 */
import { type DefinitionCondition, type DefinitionTrigger, type EventDefinition, type Message, parseSelector, type SelectorList } from '@palisade/schema';
import { type ChainElement, parseChain, selectorMatches } from './element-chain.js';
import { allowlistKey, allowlistName } from './transform.js';

/** `*` for any run of characters, case-insensitive: literal pieces found left to right. */
export class Glob {
  readonly #pieces: string[];
  constructor(pattern: string) {
    this.#pieces = pattern.toLowerCase().split('*');
  }

  /** `text` already lower-cased (the caller lower-cases a value once for all definitions). */
  matchesLower(text: string): boolean {
    const pieces = this.#pieces;
    const first = pieces[0]!;
    if (pieces.length === 1) return text === first;
    const last = pieces[pieces.length - 1]!;
    if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (let p = 1; p < pieces.length - 1; p++) {
      const piece = pieces[p]!;
      if (piece === '') continue;
      const found = text.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  }

  matches(value: string): boolean {
    return this.matchesLower(value.toLowerCase());
  }
}

/**
 * Values longer than these are not what autotrack or a data layer event sends (autotrack's text
 * is at most 100 characters): they match no condition, so a hostile value costs nothing per
 * definition.
 */
const MAX_TEXT = 200;
const MAX_PROPERTY_VALUE = 1000;

interface CompiledCondition {
  selector?: SelectorList;
  text?: Glob;
  /** Matched against the origin and path when the pattern has a scheme, the path otherwise. */
  url?: { glob: Glob; withOrigin: boolean };
  properties?: Array<[string[], Glob]>;
}

export interface CompiledDefinition {
  name: string;
  on: DefinitionTrigger;
  event?: string;
  when: CompiledCondition;
  unless: CompiledCondition[];
}

function compileCondition(c: DefinitionCondition): CompiledCondition {
  const out: CompiledCondition = {};
  if (c.selector !== undefined) out.selector = parseSelector(c.selector);
  if (c.text !== undefined) out.text = new Glob(c.text);
  if (c.url !== undefined) out.url = { glob: new Glob(c.url), withOrigin: c.url.includes('://') };
  if (c.properties !== undefined) out.properties = Object.entries(c.properties).map(([path, pattern]) => [path.split('.'), new Glob(pattern)]);
  return out;
}

/** Parsed once per config (the schema already refused selectors outside the subset). */
export function compileDefinitions(definitions: readonly EventDefinition[]): CompiledDefinition[] {
  return definitions.map((d) => ({
    name: d.name,
    on: d.on,
    ...(d.event === undefined ? {} : { event: d.event }),
    when: compileCondition(d),
    unless: d.unless.map(compileCondition),
  }));
}

/** What autotrack event a message is: `$click` -> click, a page -> pageview. */
export function autotrackTrigger(message: Message): DefinitionTrigger | undefined {
  if (message.type === 'page') return 'pageview';
  if (message.type !== 'track' || message.context?.shim !== undefined) return undefined;
  switch (message.event) {
    case '$click':
      return 'click';
    case '$submit':
      return 'submit';
    case '$change':
      return 'change';
    default:
      return undefined;
  }
}

/** The parts of a message conditions read, worked out once per message and only when asked. */
class Subject {
  #chain?: ChainElement[];
  #url?: { path: string; originPath: string };
  constructor(readonly message: Message) {}

  get properties(): Record<string, unknown> {
    const m = this.message;
    return m.type === 'track' || m.type === 'page' || m.type === 'screen' ? (m.properties ?? {}) : {};
  }

  get chain(): ChainElement[] {
    this.#chain ??= parseChain(this.properties.$elements);
    return this.#chain;
  }

  #text?: string | null;
  /** The clicked text, lower-cased once. */
  get text(): string | undefined {
    if (this.#text === undefined) {
      const text = this.properties.$text;
      this.#text = typeof text === 'string' && text.length <= MAX_TEXT ? text.toLowerCase() : null;
    }
    return this.#text ?? undefined;
  }

  get url(): { path: string; originPath: string } {
    if (this.#url === undefined) {
      const { path, originPath } = pageAddress(this.message);
      this.#url = { path: path.slice(0, 2048).toLowerCase(), originPath: originPath.slice(0, 2048).toLowerCase() };
    }
    return this.#url;
  }
}

/**
 * The page a message happened on: its path (`context.page.path`, else the URL's), and the URL's
 * origin and path. Never the query. Empty strings where the message does not say.
 */
export function pageAddress(message: Message): { path: string; originPath: string } {
  const page = message.context?.page;
  let path = typeof page?.path === 'string' ? page.path : '';
  let originPath = '';
  try {
    const url = new URL(typeof page?.url === 'string' ? page.url : '');
    if (path === '') path = url.pathname;
    originPath = url.origin + url.pathname;
  } catch {
    // no usable URL: only the path is known
  }
  return { path, originPath };
}

/** A property value as text, for a pattern: strings, numbers and booleans only. */
function valueAt(object: Record<string, unknown>, path: string[]): string | undefined {
  let value: unknown = object;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  return text !== undefined && text.length <= MAX_PROPERTY_VALUE ? text : undefined;
}

function holds(c: CompiledCondition, subject: Subject): boolean {
  if (c.selector !== undefined && !selectorMatches(c.selector, subject.chain)) return false;
  if (c.text !== undefined) {
    const text = subject.text;
    if (text === undefined || !c.text.matchesLower(text)) return false;
  }
  if (c.url !== undefined) {
    const { path, originPath } = subject.url;
    if (!c.url.glob.matchesLower(c.url.withOrigin ? originPath : path)) return false;
  }
  if (c.properties !== undefined) {
    for (const [path, glob] of c.properties) {
      const value = valueAt(subject.properties, path);
      if (value === undefined || !glob.matches(value)) return false;
    }
  }
  return true;
}

/**
 * Named events one message can add at most: a bound on what one request can make the relay store,
 * whatever the config (each named event is an outbox row per destination that allows it).
 */
export const MAX_NAMED_EVENTS = 16;
/** Named events one request can add at most (a request holds at most 2,500 messages). */
export const MAX_NAMED_PER_REQUEST = 2500;

/** The definitions a message matches, by name, each name once (GTM fires a tag once per event). */
export function matchingDefinitions(message: Message, definitions: readonly CompiledDefinition[]): string[] {
  if (definitions.length === 0) return [];
  const trigger = autotrackTrigger(message);
  const key = trigger === undefined ? allowlistKey(message, allowlistName(message)) : undefined;
  const subject = new Subject(message);
  const names: string[] = [];
  for (const d of definitions) {
    if (d.on === 'event' ? key === undefined || d.event !== key : d.on !== trigger) continue;
    if (names.includes(d.name)) continue;
    if (holds(d.when, subject) && !d.unless.some((u) => holds(u, subject))) names.push(d.name);
    if (names.length === MAX_NAMED_EVENTS) break;
  }
  return names;
}

/**
 * The messages with each one's named events after it. A named event is the message as a
 * `track` of that name: same ids, context (without the shim: the name is the site's own now)
 * and properties; its message id is derived, so a resent original derives the same ids.
 */
export function withDefinitions(messages: Message[], definitions: readonly CompiledDefinition[]): Message[] {
  if (definitions.length === 0) return messages;
  const out: Message[] = [];
  let named = 0;
  for (const message of messages) {
    out.push(message);
    if (named >= MAX_NAMED_PER_REQUEST) continue;
    for (const name of matchingDefinitions(message, definitions)) {
      if (named++ >= MAX_NAMED_PER_REQUEST) break;
      out.push(namedEvent(message, name));
    }
  }
  return out;
}

function namedEvent(source: Message, name: string): Message {
  const { shim: _shim, ...context } = source.context ?? {};
  const properties = source.type === 'track' || source.type === 'page' || source.type === 'screen' ? (source.properties ?? {}) : {};
  return {
    type: 'track',
    event: name,
    ...(source.messageId === undefined ? {} : { messageId: `${source.messageId}~${name}` }),
    ...(source.anonymousId === undefined ? {} : { anonymousId: source.anonymousId }),
    ...(source.userId === undefined ? {} : { userId: source.userId }),
    ...(source.timestamp === undefined ? {} : { timestamp: source.timestamp }),
    ...(source.sentAt === undefined ? {} : { sentAt: source.sentAt }),
    context,
    properties,
  } as Message;
}
