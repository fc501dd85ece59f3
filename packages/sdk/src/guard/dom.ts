/**
 * The guard's DOM layer. One invariant: no element in a guarded realm ever holds a third-party
 * URL in an attribute that makes the browser fetch it (script src, img srcset, link href, form
 * action, a ping, ...). It is enforced at every way such a value gets in:
 *  - property setters (`img.src = ...`) and the attribute API (`setAttribute`, `setAttributeNS`,
 *    `setAttributeNode`, `attributes.setNamedItem`, `attr.value = ...`);
 *  - HTML strings (`innerHTML`, `outerHTML`, `insertAdjacentHTML`, `createContextualFragment`,
 *    `setHTMLUnsafe`, `setHTML`, `Document.parseHTMLUnsafe`, `document.write`,
 *    `execCommand('insertHTML')`, iframe `srcdoc`): parsed first in an inert template, rewritten
 *    only when they name a blocked URL (so closed declarative shadow roots are seen as templates);
 *  - nodes that arrive from elsewhere (an inert DOMParser document, another realm, XSLT output):
 *    checked when inserted, imported or adopted, against the base of the document they load in;
 *  - attributes that change what another one does: a link's rel, an iframe's sandbox, a `<base>`
 *    (every relative URL after it), a meta refresh in a frame, a script's speculation-rules type;
 *  - parser-inserted markup: a MutationObserver neutralizes it. The parser runs pending microtasks
 *    before it runs a script, so a blocked parser-inserted script never executes (its request may
 *    already be out through the preload scanner: that is what the CSP header is for).
 * Same-origin frames get their own copy of all this the moment they exist (`guardFrame`): when
 * inserted, when a script reaches their window or document (contentWindow, contentDocument,
 * getSVGDocument, window.open by name), and when they load a new document, whatever its type.
 */
import { cssReferences, installGlobal } from './network.js';
import type { RequestKind } from './policy.js';

export type IsBlockedUrl = (url: string, base: string, kind: RequestKind) => boolean;
/** Reports a realm the guard refused to create because no guard could reach it (`blob:`, `data:`, ...). */
export type ReportRefused = (scheme: string, kind: RequestKind) => void;

/**
 * What makes an element request a URL: `elements attributes kind;...`. SVG elements are prefixed
 * `svg:`; `attributionsrc` (an Attribution Reporting beacon) counts on every element. A `<base>`
 * counts too: every relative URL resolved after it (a script's src at insertion, a form's action
 * at submission, a ping at the click) would go where it points.
 */
const TABLE =
  'script src script;iframe,frame src frame;embed src object;base href link;object data object;audio,video,track,source src media;video poster image;' +
  'img src,srcset image;source srcset image;input src image;input,button formaction form;form action form;link href,imagesrcset link;a,area ping connect;' +
  'body,table,thead,tbody,tfoot,tr,td,th,col,colgroup background image;svg:script href script;svg:image,svg:use,svg:feImage href image;' +
  'svg:animate,svg:set,svg:animateMotion,svg:animateTransform to,from,by,values image';
const ATTRS: Record<string, Record<string, RequestKind>> = {};
for (const entry of TABLE.split(';')) {
  const [tags, attrs, kind] = entry.split(' ') as [string, string, RequestKind];
  for (const tag of tags.split(',')) {
    const forTag = ATTRS[tag] ?? {};
    for (const attr of attrs.split(',')) forTag[attr] = kind;
    ATTRS[tag] = forTag;
  }
}
/** SVG presentation attributes that can name another file with `url(...)`. */
const SVG_URL_ATTRS = ['fill', 'stroke', 'mask', 'clip-path', 'marker-start', 'marker-mid', 'marker-end', 'filter', 'cursor'];
/** Elements that can hold such an attribute, to check a whole subtree with one query. */
const SELECTOR = `${Object.keys(ATTRS).join(',').replace(/svg:/g, '')},[attributionsrc],script[type],meta[content],${SVG_URL_ATTRS.map((a) => `[${a}]`).join(',')}`;
/**
 * The attributes the MutationObserver watches (repeats are harmless): those above, and what
 * changes their meaning.
 */
const OBSERVED = [...Object.values(ATTRS).flatMap(Object.keys), 'xlink:href', 'attributionsrc', 'srcdoc', 'rel', 'type', 'content', 'http-equiv', ...SVG_URL_ATTRS];
/** Property names of those attributes where they differ. */
const PROPS: Record<string, string> = { formaction: 'formAction', imagesrcset: 'imageSrcset', attributionsrc: 'attributionSrc' };

/**
 * Link relations that never fetch: a canonical or alternate link to another origin stays. A rel
 * with anything else left once these are removed is checked (a hyphen splits words: `prev-x` is).
 */
const INERT_RELS = /\b(canonical|alternate|author|license|help|bookmark|search|me|next|prev)\b/gi;

/** A sandbox that runs scripts without the page's origin. */
function unreachableSandbox(sandbox: string | null): boolean {
  // Tokens split on ASCII whitespace only, as the browser splits them (a no-break space is part of a token).
  const tokens = (sandbox ?? '').toLowerCase().split(/[\t\n\f\r ]+/);
  return sandbox !== null && tokens.includes('allow-scripts') && !tokens.includes('allow-same-origin');
}

/** A rel made only of relations that never fetch (an empty rel fetches nothing either). */
function inertRel(rel: string): boolean {
  return /\S/.test(rel) && !/\S/.test(rel.replace(INERT_RELS, ''));
}

/** The URL a `<meta http-equiv="refresh">` content navigates to, if it names one (`5; url='x'`). */
export function refreshUrl(content: string): string | undefined {
  let rest = content.replace(/^[\s\d.]*[;,]?\s*/, '').replace(/^url\s*=\s*/i, '');
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const end = rest.indexOf(quote, 1);
    rest = rest.slice(1, end === -1 ? undefined : end);
  }
  return rest.trim() || undefined;
}

/** A speculation rules type (`<script type="speculationrules">`). */
const isSpeculation = (type: string | null) => /^\s*speculationrules\s*$/i.test(type ?? '');

/** The realm guard's hook, which every guarded window carries under this symbol. */
export const GUARD_HOOK = 'palisade.guard';
const FRAME_BOOT = `<script>try{parent[Symbol.for("${GUARD_HOOK}")](window)}catch(e){}</script>`;

/** A string that names no scheme, host or entity cannot point at another origin. */
const MAY_NAME_ORIGIN = /\/[\t\n\r]*\/|\\|:|&/;

const XHTML = 'http://www.w3.org/1999/xhtml';

/**
 * Whose attribute map, token list or SVG animated string each one is, recorded when an element
 * hands it out. Shared by every realm this guard patches: a method taken from another realm's
 * prototype (`frame.NamedNodeMap.prototype.setNamedItem.call(img.attributes, ...)`) still finds
 * the element.
 */
const owners = new WeakMap<object, Element>();
const tokenOwners = new WeakMap<object, Element>();
const animatedOwners = new WeakMap<object, Element>();
const optionOwners = new WeakMap<object, Element>();
/** Attribute names that can hold a URL somewhere (see TABLE), for a map whose element is unknown. */
const URL_ATTRS = new Set([...Object.values(ATTRS).flatMap(Object.keys), 'srcdoc', 'rel', 'sandbox', 'type', 'content', 'http-equiv', 'attributionsrc']);

/**
 * Patches realm `w`. Returns a function that watches the realm's current document: a realm can
 * outlive its first document (a frame's initial about:blank is reused by the page it loads).
 */
export function patchDom(w: any, isBlocked: IsBlockedUrl, refused: ReportRefused, guardRealm: (realm: unknown) => void, blobType: (url: string) => string | undefined): () => void {
  const E = w.Element.prototype;
  const N = w.Node.prototype;
  const D = w.Document.prototype;
  const { closest, getAttribute, getAttributeNames, removeAttribute, setAttribute } = E;
  const { defineProperty, getOwnPropertyDescriptor: descriptor, getPrototypeOf } = Object;
  // What the guard reads about a node, through the platform's own getters taken now, before any
  // page script: a page that redefines `localName`, `nodeType`, `baseURI` or `querySelectorAll`
  // on a node or a prototype cannot make an img look like a span.
  const platform = (proto: object, name: string) => descriptor(proto, name)!.get!;
  const getLocalName = platform(E, 'localName');
  const getNamespace = platform(E, 'namespaceURI');
  const getNodeType = platform(N, 'nodeType');
  const getBaseURI = platform(N, 'baseURI');
  const getOwnerDocument = platform(N, 'ownerDocument');
  const getDefaultView = platform(D, 'defaultView');
  const getTextContent = platform(N, 'textContent');
  const getParentNode = platform(N, 'parentNode');
  const getIsConnected = platform(N, 'isConnected');
  const getChildNodes = platform(N, 'childNodes');
  const parentNode = (n: unknown) => (nodeType(n) ? (getParentNode.call(n) as Node | null) : null);
  const connected = (n: unknown) => nodeType(n) !== 0 && (getIsConnected.call(n) as boolean);
  const A = w.Attr.prototype;
  const getAttrName = platform(A, 'name');
  const getAttrValue = platform(A, 'value');
  const getOwnerElement = platform(A, 'ownerElement');
  const getLength = descriptor(w, 'length')?.get;
  // A window is in a frame when its `top` (which no script can redefine) is another window.
  const inFrameWindow = (win: Window) => win.top !== win;
  const getParent = descriptor(w, 'parent')?.get;
  const getNavigation = descriptor(w, 'navigation')?.get;
  const getUserActivation = w.Navigator && descriptor(w.Navigator.prototype, 'userActivation')?.get;
  const getIsActive = w.UserActivation && descriptor(w.UserActivation.prototype, 'isActive')?.get;
  /** Whether the visitor just clicked or typed (no API to tell: assumed so). */
  const userActivated = (): boolean => {
    if (!getUserActivation || !getIsActive) return true;
    return getIsActive.call(getUserActivation.call(w.navigator)) as boolean;
  };
  const nodeType = (n: unknown): number => {
    try {
      return getNodeType.call(n) as number;
    } catch {
      return 0; // not a node
    }
  };
  const QUERY_ALL: Record<number, (selector: string) => NodeListOf<Element>> = {
    1: E.querySelectorAll,
    9: D.querySelectorAll,
    11: w.DocumentFragment.prototype.querySelectorAll,
  };
  const queryAll = (n: Node, selector: string): Element[] => {
    const query = QUERY_ALL[nodeType(n)];
    return query ? [...(query.call(n, selector) as NodeListOf<Element>)] : [];
  };
  /** `img`, `svg:image`; '' for other namespaces (MathML). */
  const tagKey = (el: Element): string => {
    if (nodeType(el) !== 1) return '';
    const ns = (getNamespace.call(el) as string | null) ?? '';
    const name = getLocalName.call(el) as string;
    return ns === XHTML ? name : ns === 'http://www.w3.org/2000/svg' ? `svg:${name}` : '';
  };
  const inner = descriptor(E, 'innerHTML')!;
  const outer = descriptor(E, 'outerHTML')!;
  const Parser = w.DOMParser;
  const Serializer = w.XMLSerializer;
  const contextual = w.Range.prototype.createContextualFragment;
  /**
   * Elements that hold a document of their own, with the platform's way to their window: an
   * embed has no contentWindow, only getSVGDocument() (which the others have too).
   */
  const FRAME_TAGS = ['iframe', 'frame', 'object', 'embed'];
  const FRAME_CTORS = [w.HTMLIFrameElement, w.HTMLFrameElement, w.HTMLObjectElement, w.HTMLEmbedElement];
  const frameWindows = new Map<string, (this: Element) => unknown>();
  FRAME_TAGS.forEach((tag, i) => {
    const proto = FRAME_CTORS[i]?.prototype;
    const get = proto && descriptor(proto, 'contentWindow')?.get;
    const svgDocument = proto?.getSVGDocument;
    if (get) frameWindows.set(tag, get);
    else if (svgDocument)
      frameWindows.set(tag, function (this: Element) {
        return svgDocument.call(this)?.defaultView;
      });
  });
  /** Set while markup meant for a frame's document (a srcdoc) is checked. */
  let cleaningFrameMarkup = false;
  /** The window whose document nodes are being inserted into, while they are checked. */
  let insertingInto: Window | undefined;
  /** A document that never loads anything: where HTML strings are parsed to be looked at. */
  let inertDocument: Document | undefined;
  const inertDoc = (): Document => {
    if (!inertDocument) inertDocument = w.document.implementation.createHTMLDocument('') as Document;
    return inertDocument;
  };
  /**
   * The base a URL in `el` resolves against where it can load: its own document's, or, for a node
   * of a document without a window (a template's, DOMParser's, parseHTMLUnsafe's, XSLT's, whose
   * base is about:blank), the realm's document, where it will load once moved there.
   */
  /** The realm's document's base, through the platform's getter. */
  const pageBase = () => getBaseURI.call(w.document) as string;
  const baseOf = (el: Element): string => {
    const doc = getOwnerDocument.call(el) as Document | null;
    return doc && getDefaultView.call(doc) ? (getBaseURI.call(el) as string) : pageBase();
  };

  /**
   * The value attribute `name` of `el` may take: `value` itself, a srcdoc with the realm hook
   * prepended, or undefined when it names a blocked URL (reported by `isBlocked`).
   */
  function vet(el: Element, name: string, value: unknown): string | undefined {
    const key = tagKey(el);
    // Any namespace prefix: `xlink:href` and `foo:href` (xlink under another prefix) are both `href`.
    const attr = String(name)
      .toLowerCase()
      .replace(/^[^:]*:/, '');
    const v = String(value);
    // A sandbox that lets a srcdoc's scripts run in an opaque origin makes a realm the guard cannot
    // reach: the srcdoc goes (its markup alone is cleaned and guarded like any frame's).
    if (key === 'iframe' && attr === 'srcdoc') {
      if (!unreachableSandbox(getAttribute.call(el, 'sandbox'))) return frameHtml(v);
      refused('about:', 'frame');
      return undefined;
    }
    if (key === 'iframe' && attr === 'sandbox') {
      if (unreachableSandbox(v) && getAttribute.call(el, 'srcdoc') !== null) {
        removeAttribute.call(el, 'srcdoc');
        refused('about:', 'frame');
      }
      return v;
    }
    // A link's rel decides whether its href is fetched: a rel that would fetch is checked against
    // the href already there (`canonical` first, `stylesheet` after).
    if (key === 'link' && attr === 'rel') {
      const href = getAttribute.call(el, 'href');
      if (href && !inertRel(v) && isBlocked(href, baseOf(el), 'link')) removeAttribute.call(el, 'href');
      return v;
    }
    // A meta refresh navigates its document: in a frame, to a blocked URL, it is a frame request
    // (the top-level page navigating itself is the visitor's to see, like a link).
    if (key === 'meta' && (attr === 'content' || attr === 'http-equiv')) {
      const content = attr === 'content' ? v : getAttribute.call(el, 'content');
      const equiv = attr === 'http-equiv' ? v : getAttribute.call(el, 'http-equiv');
      const url = /^\s*refresh\s*$/i.test(equiv ?? '') && content !== null ? refreshUrl(content) : undefined;
      const doc = getOwnerDocument.call(el) as Document | null;
      const view = (doc && (getDefaultView.call(doc) as Window | null)) ?? insertingInto ?? w;
      const inFrame = cleaningFrameMarkup || inFrameWindow(view);
      if (url === undefined || !inFrame || !isBlocked(url, baseOf(el), 'frame')) return v;
      if (attr === 'content') return undefined;
      removeAttribute.call(el, 'content');
      return v;
    }
    // Speculation rules take effect when the script is prepared, and a script that has not run
    // yet is prepared again whenever its text changes: a script that becomes speculation rules
    // once in the page is made inert (one inserted as such is read by speculates() below).
    if (key === 'script' && attr === 'type' && isSpeculation(v) && !isSpeculation(getAttribute.call(el, 'type')) && connected(el)) return 'palisade/blocked';
    // SVG paint servers, masks, clip paths, markers, filters and cursors may be in another file:
    // `fill="url(https://x/p.svg#g)"` fetches it.
    // The value is read as CSS reads it: escapes undone, and every url() and quoted string
    // (image-set("...")) taken as a reference.
    if (key.startsWith('svg:') && /[("'\\]/.test(v) && !ATTRS[key]?.[attr]) {
      return cssReferences(v).some((u) => !u.startsWith('#') && isBlocked(u.replace(/[\t\n\r]/g, ''), baseOf(el), 'image')) ? undefined : v;
    }
    const kind = attr === 'attributionsrc' ? 'connect' : ATTRS[key]?.[attr];
    if (!kind) return v;
    if (key === 'link' && attr === 'href' && inertRel(getAttribute.call(el, 'rel') ?? '')) return v;
    // A document made from page-written code (javascript:, data:, blob:) in a frame or object is a
    // realm the guard cannot reach before its markup loads (a data: one is not even same-origin):
    // it is not created.
    // The URL parser drops tabs and newlines anywhere and C0 controls and spaces at the ends, so
    // the guard reads the value that way too (`htt\tp://` is `http://`).
    const parsed = v.replace(/[\t\n\r]/g, '');
    const written = /^[\0-\x20]*(javascript|data|blob):/i.exec(parsed);
    if ((kind === 'frame' || kind === 'object') && written) {
      refused(`${written[1]!.toLowerCase()}:`, kind);
      return undefined;
    }
    // Media from a blob plays its bytes, unless they are a playlist (HLS, DASH), whose segments
    // the browser fetches from wherever the text says: only audio, video and a MediaSource go,
    // from a blob URL a guarded realm made (one a worker made is unknown, and refused).
    if (kind === 'media' && /^[\0-\x20]*blob:/i.test(parsed)) {
      const type = blobType(parsed.trim());
      if (type === undefined || /mpegurl|dash\+xml/i.test(type) || !/^(audio\/|video\/|media-source$)/i.test(type)) {
        refused('blob:', kind);
        return undefined;
      }
    }
    // srcset, ping, attributionsrc and SVG animation values hold lists; splitting a single URL too
    // is harmless (the pieces of a same-origin URL stay same-origin, and an origin cannot contain a
    // space, comma or semicolon). Both readings are checked: whole, and split into tokens.
    const base = baseOf(el);
    // Each distinct reading once: without a tab or newline, the value and its parse are the same.
    const tokens = new Set([parsed, ...parsed.split(/[\s,;]+/), ...(parsed === v ? [] : v.split(/[\s,;]+/))]);
    if (![...tokens].some((token) => token && isBlocked(token, base, kind))) return v;
    // A form whose action is blocked submits to nowhere rather than to this page.
    return kind === 'form' ? 'about:blank' : undefined;
  }

  /**
   * srcdoc documents get a first script that asks this realm to guard theirs before anything else
   * runs (a new document is a new realm, with prototypes of its own). Idempotent.
   */
  function frameHtml(html: string): string {
    cleaningFrameMarkup = true; // a meta refresh in it navigates a frame
    let clean: string;
    try {
      clean = cleanHtml(html);
      clean = cleanedDocument(clean) ?? clean;
    } finally {
      cleaningFrameMarkup = false;
    }
    const doctype = /^\s*<!doctype[^>]*>/i.exec(clean)?.[0] ?? '';
    const rest = clean.slice(doctype.length);
    return rest.startsWith(FRAME_BOOT) ? clean : doctype + FRAME_BOOT + rest;
  }

  /** Checks an element's attributes; returns whether it changed anything. */
  function cleanElement(el: Element, frames: Element[]): boolean {
    let changed = false;
    for (const name of getAttributeNames.call(el) as string[]) {
      const value = getAttribute.call(el, name) as string;
      const next = vet(el, name, value);
      if (next === value) continue;
      changed = true;
      if (next !== undefined) setAttribute.call(el, name, next);
      else {
        removeAttribute.call(el, name);
        // A script whose src is gone would run its inline text instead: make it inert.
        if (/script$/.test(tagKey(el))) setAttribute.call(el, 'type', 'palisade/blocked');
      }
    }
    if (tagKey(el) === 'script' && speculates(el)) {
      setAttribute.call(el, 'type', 'palisade/blocked');
      changed = true;
    }
    if (FRAME_TAGS.includes(tagKey(el))) frames.push(el);
    return changed;
  }

  /**
   * Speculation rules (`<script type="speculationrules">`) make the browser prefetch or prerender
   * the URLs they list, or every link a document rule matches: such a script is made inert when
   * it lists a blocked URL or has any rule that is not a plain list (it could match a link anywhere),
   * and when it is empty (its rules would be read when text is added, after this check).
   */
  function speculates(el: Element): boolean {
    if (!isSpeculation(getAttribute.call(el, 'type'))) return false;
    const text = (getTextContent.call(el) as string | null) ?? '';
    if (!/\S/.test(text)) return true;
    let rules: Record<string, Array<{ urls?: unknown; where?: unknown }>>;
    try {
      rules = JSON.parse(text);
    } catch {
      return false; // the browser ignores rules it cannot parse
    }
    for (const list of Object.values(rules ?? {})) {
      if (!Array.isArray(list)) continue;
      for (const rule of list) {
        // Only a plain list of URLs can be judged: a document rule (`where`, or `source: document`
        // with no condition at all, which matches every link) could reach anywhere.
        if (rule?.where !== undefined || (rule as { source?: unknown })?.source === 'document' || !Array.isArray(rule?.urls)) return true;
        if ((rule.urls as unknown[]).some((u) => isBlocked(String(u), baseOf(el), 'link'))) return true;
      }
    }
    return false;
  }

  /**
   * Checks a node and its subtree; returns whether it changed anything. The subtree includes what
   * a selector query does not reach: template contents (a declarative shadow root is a
   * `<template shadowrootmode>` until the parser attaches it, and templates nest) and open
   * shadow roots (of a host cloned, imported or parsed with `parseHTMLUnsafe`). `shadows` false:
   * a tree just parsed from a string into a template, which has no shadow root, so only templates
   * need a look inside (every element's, otherwise).
   */
  function clean(node: unknown, frames: Element[] = [], shadows = true): boolean {
    const n = node as Element | null;
    if (!n || typeof n !== 'object') return false;
    const type = nodeType(n);
    if (type === 7) return cleanInstruction(n as unknown as ProcessingInstruction);
    let changed = type === 1 && cleanElement(n, frames);
    for (const el of queryAll(n, SELECTOR)) changed = cleanElement(el, frames) || changed;
    for (const el of queryAll(n, shadows ? '*' : 'template')) changed = cleanInside(el, frames, shadows) || changed;
    if (type === 1) changed = cleanInside(n, frames, shadows) || changed;
    return changed;
  }

  /** A template's content and an open shadow root, each a tree of its own. */
  function cleanInside(el: Element, frames: Element[], shadows: boolean): boolean {
    let changed = false;
    if (tagKey(el) === 'template') changed = clean((el as HTMLTemplateElement).content, frames, shadows);
    const shadow = shadows && (el as Element & { shadowRoot?: ShadowRoot | null }).shadowRoot;
    if (shadow) changed = clean(shadow, frames) || changed;
    return changed;
  }

  /**
   * The markup a string would produce where the browser parses it (`context`: the element it goes
   * into, or null for a document of its own), rewritten only if it names a blocked URL. In HTML,
   * an inert template (declarative shadow roots stay templates, so closed ones are seen too); in
   * SVG or MathML, a fragment parsed with an element of that namespace as context (`<image>` is an
   * SVG image there, not an HTML img); in an XML document, an XML parse, and a string that does
   * not parse on its own (a prefix declared further up) is refused.
   */
  function cleanHtml(html: string, context: Node | null = null): string {
    if (!MAY_NAME_ORIGIN.test(html)) return html;
    const inert = inertDoc();
    const type = nodeType(context);
    const el = type === 1 ? (context as Element) : type === 11 ? ((context as ShadowRoot).host ?? null) : type ? (parentNode(context) as Element | null) : null;
    const doc = type === 9 ? (context as Document) : type ? (getOwnerDocument.call(context) as Document | null) : null;
    if (doc && doc.contentType !== 'text/html') return cleanXml(html, el);
    const ns = (el && (getNamespace.call(el) as string | null)) ?? XHTML;
    // The html element's content is a head and a body, with their own attributes: parsed as a document.
    if (ns === XHTML && el && getLocalName.call(el) === 'html') return cleanedDocument(html) ?? html;
    // In SVG and MathML, and in a frameset, where HTML parses differently from a template, the
    // string is parsed with an element like the real one as context.
    const special = ns === XHTML ? el !== null && getLocalName.call(el) === 'frameset' : getLocalName.call(el) !== 'foreignObject';
    if (special) {
      // A copy of the real element, attributes and all (MathML's annotation-xml parses HTML only
      // with its encoding), made in the inert document, where nothing loads.
      const holder = D.importNode.call(inert, el as Element, false) as Element;
      inert.body.append(holder);
      const range = inert.createRange();
      range.selectNodeContents(holder);
      const fragment = contextual.call(range, html) as DocumentFragment;
      holder.remove();
      if (!clean(fragment, [], false)) return html;
      holder.append(fragment);
      return inner.get!.call(holder) as string;
    }
    const template = D.createElement.call(inert, 'template') as HTMLTemplateElement;
    inner.set!.call(template, html); // template contents are inert: nothing loads while we look
    return clean(template.content, [], false) ? inner.get!.call(template) : html;
  }

  /**
   * A whole document's markup (a srcdoc, or what document.write adds), parsed as a document so
   * that a frameset or the body's own attributes are seen; undefined when nothing is blocked.
   */
  function cleanedDocument(html: string): string | undefined {
    if (!MAY_NAME_ORIGIN.test(html)) return undefined;
    const doc = new Parser().parseFromString(html, 'text/html') as Document;
    if (!clean(doc.documentElement, [], false)) return undefined;
    return `<!doctype html>${outer.get!.call(doc.documentElement)}`;
  }

  function cleanXml(markup: string, el: Element | null): string {
    const ns = el?.namespaceURI ?? XHTML;
    const parsed = new Parser().parseFromString(`<palisade xmlns="${ns}">${markup}</palisade>`, 'application/xml') as Document;
    const root = parsed.documentElement;
    if (parsed.getElementsByTagName('parsererror').length > 0 || !root) return '';
    if (!clean(root, [], false)) return markup;
    return [...root.childNodes].map((n) => new Serializer().serializeToString(n)).join('');
  }

  function guardFrame(el: Element): void {
    try {
      const realm = frameWindows.get(tagKey(el))?.call(el);
      if (realm) guardRealm(realm);
    } catch {
      // a cross-origin frame: its own origin's rules apply
    }
  }

  const framesIn = (root: any) => queryAll(root, FRAME_TAGS.join(',')).forEach(guardFrame);

  type Make = (original: any) => (this: any, ...args: any[]) => unknown;
  /** Replaces methods (or a property's `set` or `get`) of `proto`, where they exist. */
  const wrap = (proto: any, names: string, make: Make, part: 'value' | 'set' | 'get' = 'value') => {
    for (const name of names.split(' ')) {
      const d = proto && descriptor(proto, name);
      if (typeof d?.[part] === 'function') defineProperty(proto, name, { ...d, [part]: make(d[part]) });
    }
  };

  // Property setters, found on each element's prototype chain (video's src is HTMLMediaElement's).
  const vetted = new WeakSet<object>();
  for (const tag of Object.keys(ATTRS)) {
    if (tag.startsWith('svg:')) continue; // SVG URLs are read-only animated strings: attributes only
    // createElementNS: in an SVG or XML document, createElement makes elements of no namespace.
    const own = getPrototypeOf(D.createElementNS.call(w.document, XHTML, tag));
    for (const attr of [...Object.keys(ATTRS[tag]!), 'attributionsrc', ...(tag === 'iframe' ? ['srcdoc'] : [])]) {
      const prop = PROPS[attr] ?? attr;
      let proto = own;
      while (proto && !descriptor(proto, prop)) proto = getPrototypeOf(proto);
      const set = proto && descriptor(proto, prop)!.set;
      if (!set || vetted.has(set)) continue;
      wrap(
        proto,
        prop,
        () =>
          function (v) {
            const next = vet(this, attr, v);
            if (next !== undefined) set.call(this, next);
          },
        'set',
      );
      vetted.add(descriptor(proto, prop)!.set!);
    }
  }

  // The attribute API: setAttribute(NS), setAttributeNode(NS), attributes.setNamedItem(NS), and
  // writing an attached Attr's value.
  wrap(
    E,
    'setAttribute setAttributeNS',
    (original) =>
      function (...args) {
        // (name, value) or (namespace, name, value): each read once, as strings, and only those
        // go to the browser (an extra argument cannot shift what the guard looks at).
        const ns = original.length === 3 ? 1 : 0; // setAttributeNS takes three
        const call = args.slice(0, ns + 2);
        call[ns] = String(call[ns]);
        call[ns + 1] = vet(this, call[ns], call[ns + 1]);
        if (call[ns + 1] !== undefined) return original.apply(this, call);
      },
  );
  const vetAttr = (el: Element | undefined, attr: Attr) => {
    // A map whose element is unknown cannot be judged: it takes no attribute that could hold a URL.
    if (!el) return !URL_ATTRS.has(attr.localName.toLowerCase());
    const next = vet(el, getAttrName.call(attr) as string, getAttrValue.call(attr));
    if (next !== undefined) attr.value = next;
    return next !== undefined;
  };
  wrap(
    E,
    'setAttributeNode setAttributeNodeNS',
    (original) =>
      function (attr: Attr) {
        return vetAttr(this, attr) ? original.call(this, attr) : null;
      },
  );
  // An attribute map does not say whose it is: remember it when `el.attributes` hands it out.
  wrap(
    E,
    'attributes',
    (get) =>
      function () {
        const map = get.call(this);
        owners.set(map, this);
        return map;
      },
    'get',
  );
  wrap(
    w.NamedNodeMap.prototype,
    'setNamedItem setNamedItemNS',
    (original) =>
      function (attr: Attr) {
        return vetAttr(owners.get(this), attr) ? original.call(this, attr) : null;
      },
  );
  wrap(w.Attr.prototype, 'value', attrSetter, 'set');

  // Attributes that change what another attribute does, through their token list: a link's rel
  // (`relList.add('stylesheet')`) and an iframe's sandbox (`sandbox.add(...)`). The token list is
  // tied to its element when the element hands it out.
  for (const [ctor, listProp] of [
    [w.HTMLLinkElement, 'relList'],
    [w.HTMLIFrameElement, 'sandbox'],
  ] as const) {
    wrap(
      ctor.prototype,
      listProp,
      (get) =>
        function () {
          const list = get.call(this);
          tokenOwners.set(list, this);
          return list;
        },
      'get',
    );
  }
  // The same attributes' properties, and the others that change what an element fetches: a
  // meta's refresh, a script's type (speculation rules).
  for (const [ctor, prop, attr] of [
    [w.HTMLLinkElement, 'rel', 'rel'],
    [w.HTMLIFrameElement, 'sandbox', 'sandbox'],
    [w.HTMLMetaElement, 'content', 'content'],
    [w.HTMLMetaElement, 'httpEquiv', 'http-equiv'],
    [w.HTMLScriptElement, 'type', 'type'],
  ] as const) {
    wrap(
      ctor?.prototype,
      prop,
      (set) =>
        function (v: unknown) {
          const next = vet(this, attr, v);
          if (next !== undefined) set.call(this, next);
        },
      'set',
    );
  }
  /**
   * Checks the value `list`'s attribute is about to take, before the change (a rel that becomes
   * `stylesheet` fetches at once): the change is made first on a detached copy of its element,
   * which loads nothing.
   */
  const checkTokens = (list: object, change: (copy: DOMTokenList) => void) => {
    const el = tokenOwners.get(list);
    if (!el) return;
    const iframe = tagKey(el) === 'iframe';
    const attr = iframe ? 'sandbox' : 'rel';
    const copy = N.cloneNode.call(el, false) as Element & { relList: DOMTokenList; sandbox: DOMTokenList };
    change(iframe ? copy.sandbox : copy.relList);
    vet(el, attr, getAttribute.call(copy, attr) ?? '');
  };
  wrap(
    w.DOMTokenList.prototype,
    'add remove replace toggle',
    (original) =>
      function (...args) {
        checkTokens(this, (copy) => original.apply(copy, args));
        return original.apply(this, args);
      },
  );
  wrap(
    w.DOMTokenList.prototype,
    'value',
    (set) =>
      function (v: unknown) {
        const value = String(v);
        checkTokens(this, (copy) => set.call(copy, value));
        set.call(this, value);
      },
    'set',
  );

  // SVG URLs through their animated strings (`image.href.baseVal = url`): the string is tied to
  // its element when the element hands it out.
  for (const ctor of [w.SVGImageElement, w.SVGUseElement, w.SVGScriptElement, w.SVGFEImageElement, w.SVGAElement]) {
    wrap(
      ctor?.prototype,
      'href',
      (get) =>
        function () {
          const animated = get.call(this);
          animatedOwners.set(animated, this);
          return animated;
        },
      'get',
    );
  }
  wrap(
    w.SVGAnimatedString?.prototype,
    'baseVal',
    (set) =>
      function (v: unknown) {
        const owner = animatedOwners.get(this);
        const next = owner ? vet(owner, 'href', v) : v;
        if (next !== undefined) set.call(this, next);
      },
    'set',
  );
  wrap(N, 'nodeValue textContent', attrSetter, 'set');
  function attrSetter(set: (v: unknown) => void) {
    return function (this: Attr, v: unknown) {
      const type = nodeType(this);
      const owner = type === 2 ? (getOwnerElement.call(this) as Element | null) : null;
      const next = owner ? vet(owner, getAttrName.call(this) as string, v) : type === 7 ? vetInstruction(this, v) : v;
      if (next !== undefined) set.call(this, next);
    };
  }

  // An `<?xml-stylesheet href="..."?>` in an XML or SVG document fetches its stylesheet, when
  // inserted and when its data changes: the data is checked before either.
  const instructionData = descriptor(w.CharacterData.prototype, 'data')!;
  function vetInstruction(node: Node, data: unknown): string | undefined {
    const v = String(data);
    if ((node as ProcessingInstruction).target?.toLowerCase() !== 'xml-stylesheet') return v;
    // Pseudo-attributes are read as XML reads them: either quote, character references decoded.
    const decoded = v.replace(/&#x([0-9a-f]{1,6});|&#(\d{1,7});|&(amp|lt|gt|quot|apos);/gi, (_, hex: string, dec: string, name: string) =>
      hex || dec
        ? String.fromCodePoint(Math.min(Number.parseInt(hex ?? dec, hex ? 16 : 10), 0x10ffff))
        : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name.toLowerCase()]!,
    );
    const m = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(decoded);
    const href = m ? (m[1] ?? m[2]) : /href/i.test(decoded) ? decoded : undefined;
    return href !== undefined && isBlocked(href.replace(/[\t\n\r]/g, ''), pageBase(), 'link') ? undefined : v;
  }
  function cleanInstruction(node: ProcessingInstruction): boolean {
    if (vetInstruction(node, node.data) !== undefined) return false;
    instructionData.set!.call(node, '');
    return true;
  }
  wrap(w.CharacterData.prototype, 'data', attrSetter, 'set');
  wrap(
    w.CharacterData.prototype,
    'appendData insertData replaceData',
    (original) =>
      function (...args) {
        if (this.nodeType === 7) {
          const copy = this.cloneNode(); // detached: changing it loads nothing
          original.apply(copy, args);
          if (vetInstruction(this, copy.data) === undefined) return;
        }
        return original.apply(this, args);
      },
  );

  // HTML strings: `prepare` cleans the arguments that hold HTML, then same-origin frames the call
  // created are guarded at once.
  const html =
    (prepare: (args: any[], self: any) => any[]): Make =>
    (original) =>
      function (...args) {
        const root = parentNode(this) ?? this;
        const result = original.apply(this, prepare(args, this));
        framesIn(root);
        return result;
      };
  /** Cleans argument `index`, parsed where the browser will parse it (`context(self, args)`). */
  const at =
    (index: number, context: (self: any, args: any[]) => Node | null = () => null) =>
    (args: any[], self: any) => {
      args[index] = cleanHtml(String(args[index]), context(self, args));
      return args;
    };
  const itself = (self: Node) => self;
  for (const proto of [E, w.ShadowRoot?.prototype]) {
    wrap(proto, 'innerHTML', html(at(0, itself)), 'set');
    wrap(proto, 'outerHTML', html(at(0, (self) => parentNode(self))), 'set');
    // setHTML runs the sanitizer API, whose allowlist may well keep an img's src.
    wrap(proto, 'setHTMLUnsafe setHTML', html(at(0, itself)));
  }
  wrap(
    E,
    'insertAdjacentHTML',
    html(
      at(1, (self, args) => {
        args[0] = String(args[0]); // read once: the position checked is the position used
        return /^(afterbegin|beforeend)$/i.test(args[0]) ? self : parentNode(self);
      }),
    ),
  );
  // New documents from a string: inert until their nodes move here, but a closed declarative
  // shadow root in one would move in unseen (no script can reach it): cleaned as a string first.
  wrap(w.Document, 'parseHTMLUnsafe parseHTML', html(at(0)));
  // document.open (and a write to a closed document, which opens it) removes the document's
  // event listeners: the frame-load listener is put back.
  wrap(
    D,
    'write writeln',
    html((args) => {
      // What a template does not show (a frameset, attributes of the body) is read from a
      // document parse; markup that names a blocked URL only there is written as that parse,
      // cleaned (a `<body>` tag in a document that has one merges its attributes into it).
      const text = cleanHtml(args.join(''));
      return [cleanedDocument(text) ?? text];
    }),
  );
  wrap(
    D,
    'open write writeln',
    (original) =>
      function (...args) {
        // document.open(url, name, features) is window.open: it goes through the guarded one.
        if (original.name === 'open' && args.length > 2) return (this.defaultView ?? w).open(args[0], args[1], args[2]);
        const result = original.apply(this, args);
        if (nodeType(this) === 9) {
          this.addEventListener('load', onFrameLoad, true);
          w.addEventListener('click', cancelIfBlocked, true);
        }
        return result;
      },
  );
  // execCommand: insertHTML takes markup; insertImage a URL, fetched as soon as the image is in.
  wrap(
    D,
    'execCommand',
    (original) =>
      function (...args) {
        const command = String(args[0]).toLowerCase();
        if (command === 'inserthtml') args[2] = cleanHtml(String(args[2]));
        if (command === 'insertimage') {
          args[2] = String(args[2]);
          if (isBlocked(args[2], getBaseURI.call(this) as string, 'image')) return false;
        }
        const result = original.apply(this, args);
        framesIn(this);
        return result;
      },
  );
  wrap(w.Range.prototype, 'createContextualFragment', html(at(0, (range: Range) => range.startContainer)));
  // XSLT output becomes nodes of the document it is given, and an img made there loads at once,
  // before it is inserted anywhere: the transform writes into an inert document, is cleaned
  // there, and only then moves to the caller's document.
  wrap(
    w.XSLTProcessor?.prototype,
    'transformToFragment',
    (original) =>
      function (source: Node, output: Document) {
        const fragment = original.call(this, source, inertDoc());
        if (!fragment) return fragment;
        clean(fragment);
        return D.adoptNode.call(output, fragment);
      },
  );

  // Nodes that arrive from elsewhere. Only checked when they could load: inserted into a connected
  // parent from outside it (not moved within it) or from another document, so building a detached
  // tree, or moving a node that is already in the page, costs nothing extra. Every argument is
  // looked at: strings are not nodes, and a reference child is already in the parent.
  const same = <T>(x: T) => x;
  // The observer's record of an insertion cleaned here need not clean the same nodes again: every
  // change after it is a record of its own. One record's worth (a later insertion is checked).
  const cleanedOnInsert = new WeakSet<Node>();
  const insertion = (proto: any, names: string, parentOf: (self: any, args: unknown[]) => Node | null = same, part: 'value' | 'set' = 'value') => {
    wrap(
      proto,
      names,
      (original) =>
        function (...args) {
          const parent = parentOf(this, args);
          const frames: Element[] = [];
          for (const node of args as Node[]) {
            const type = nodeType(node);
            const parentDocument = nodeType(parent) === 9 ? parent : parent && getOwnerDocument.call(parent);
            if (parent && type && ((connected(parent) && !connected(node)) || getOwnerDocument.call(node) !== parentDocument)) {
              const doc = (nodeType(parent) === 9 ? parent : getOwnerDocument.call(parent)) as Document | null;
              insertingInto = (doc && (getDefaultView.call(doc) as Window | null)) ?? undefined;
              try {
                clean(node, frames);
              } finally {
                insertingInto = undefined;
              }
              if (type === 11) for (const child of getChildNodes.call(node) as NodeListOf<ChildNode>) cleanedOnInsert.add(child);
              else cleanedOnInsert.add(node);
            }
          }
          const result = original.apply(this, args);
          frames.forEach(guardFrame);
          return result;
        },
      part,
    );
  };
  insertion(N, 'appendChild insertBefore replaceChild');
  for (const proto of [E, D, w.DocumentFragment.prototype]) insertion(proto, 'append prepend replaceChildren');
  for (const proto of [E, w.CharacterData.prototype, w.DocumentType.prototype]) insertion(proto, 'before after replaceWith', parentNode);
  insertion(E, 'insertAdjacentElement', (n, args) => {
    args[0] = String(args[0]); // read once: the position checked is the position used
    return /^(afterbegin|beforeend)$/i.test(args[0] as string) ? n : parentNode(n);
  });
  // Setters that insert a node: a document's body, a table's caption and sections, a select's options.
  insertion(D, 'body', (d) => d.documentElement, 'set');
  for (const name of ['caption', 'tHead', 'tFoot']) insertion(w.HTMLTableElement.prototype, name, same, 'set');
  insertion(w.HTMLSelectElement.prototype, 'add');
  wrap(
    w.HTMLSelectElement.prototype,
    'options',
    (get) =>
      function () {
        const options = get.call(this);
        optionOwners.set(options, this);
        return options;
      },
    'get',
  );
  insertion(w.HTMLOptionsCollection?.prototype, 'add', (options) => optionOwners.get(options) ?? null);
  insertion(w.Range.prototype, 'insertNode surroundContents', (r) => r.startContainer);
  wrap(
    D,
    'importNode adoptNode',
    (original) =>
      function (...args) {
        clean(args[0]);
        return original.apply(this, args);
      },
  );

  // Frames (iframe, legacy frame, object documents): guarded when inserted (above), when their
  // window or document is read (so a script reaches a frame's realm only through the guard), and
  // when one loads a new document. Load events of elements never reach the window: the listener
  // sits on each document, in the capture phase, ahead of any listener on the frame itself.
  for (const ctor of FRAME_CTORS) {
    wrap(
      ctor?.prototype,
      'contentWindow contentDocument',
      (get) =>
        function () {
          guardFrame(this);
          return get.call(this);
        },
      'get',
    );
    wrap(
      ctor?.prototype,
      'getSVGDocument',
      (original) =>
        function () {
          guardFrame(this);
          return original.call(this);
        },
    );
  }
  const onFrameLoad = (e: Event) => {
    const t = e.target as Element;
    if (FRAME_TAGS.includes(tagKey(t))) guardFrame(t);
  };

  // A popup or a window found by name (`open('', name)`) is a realm too: guarded before the
  // caller can write into it.
  // A name is looked up across the whole frame tree of the page: every same-origin frame, at any
  // depth (at most 200 looked at). `_self` in a frame, and `_parent` below a frame, are frames too.
  const isFrameName = (name: string) => {
    if (name === '_self') return inFrameWindow(w);
    if (name === '_parent') return inFrameWindow(w) && getParent?.call(w) !== w.top;
    if (name === '' || /^_(blank|top)$/i.test(name)) return false;
    // A page with more frames than this is not searched to the end: the name counts as a frame's.
    let budget = 1000;
    const search = (win: Window): boolean => {
      // `frames` and `length` can be replaced by the page; the platform's length and indexed
      // access cannot.
      const count = (getLength ? getLength.call(win) : win.length) as number;
      for (let i = 0; i < count; i++) {
        if (budget-- <= 0) return true;
        try {
          const frame = (win as unknown as Window[])[i] as Window;
          if (frame.name === name || search(frame)) return true;
        } catch {
          // another origin's frame: its name and frames are not ours to read
        }
      }
      return false;
    };
    if (search(w)) return true;
    try {
      return w.top !== w && search(w.top as Window);
    } catch {
      return false;
    }
  };
  wrap(
    w,
    'open',
    (original) =>
      function (...args) {
        // URL and target read once, as strings: what is checked is what the browser gets.
        if (args[1] !== undefined) args[1] = String(args[1]);
        if (args[0] !== undefined && args[0] !== '') {
          args[0] = String(args[0]);
          // Into a frame: a frame request. Into a new window: the visitor's to see when they asked
          // for it (a share button); without a click or key press just before, it is a pixel in a
          // popup, and fails the way the browser's popup blocker fails it.
          const intoFrame = args[1] !== undefined && isFrameName(args[1]);
          const activated = userActivated();
          if ((intoFrame || !activated) && isBlocked(args[0], pageBase(), 'frame')) return null;
        }
        const opened = original.apply(this, args);
        try {
          if (opened) guardRealm(opened);
        } catch {
          // another origin's window
        }
        return opened;
      },
  );

  // A link followed by a script (`a.click()`, a dispatched click) or by a click in the page: one
  // that would open a blocked URL in a frame of the page, or in a new window without the visitor
  // having clicked or typed, is cancelled (its click event still happens).
  const linkBlocked = (target: EventTarget | null): boolean => {
    const a = nodeType(target) === 1 ? (closest.call(target, 'a,area') as Element | null) : null;
    if (!a || !['a', 'area', 'svg:a'].includes(tagKey(a))) return false;
    const href = getAttribute.call(a, 'href') ?? getAttribute.call(a, 'xlink:href');
    if (!href) return false;
    const baseTarget = queryAll(w.document, 'base[target]')[0];
    const name = getAttribute.call(a, 'target') ?? (baseTarget ? getAttribute.call(baseTarget, 'target') : '') ?? '';
    const intoFrame = isFrameName(name);
    const newWindow = !intoFrame && name !== '' && !/^_(self|parent|top)$/i.test(name);
    return (intoFrame || (newWindow && !userActivated())) && isBlocked(href, baseOf(a), 'frame');
  };
  const cancelIfBlocked = (e: Event) => {
    if (e.type === 'click' && linkBlocked(e.target)) e.preventDefault();
  };
  w.addEventListener('click', cancelIfBlocked, true);
  // A link outside the page (never connected) gets its click event, but not the window's; and a
  // document.open removes the window's listeners: the element gets one of its own too.
  const onLink = (target: unknown) => {
    if (nodeType(target) === 1) (target as Node).addEventListener('click', cancelIfBlocked, { once: true });
  };
  wrap(
    w.HTMLElement.prototype,
    'click',
    (original) =>
      function (...args) {
        onLink(this);
        return original.apply(this, args);
      },
  );
  wrap(
    w.EventTarget.prototype,
    'dispatchEvent',
    (original) =>
      function (...args) {
        if ((args[0] as Event | undefined)?.type === 'click') onLink(this);
        return original.apply(this, args);
      },
  );

  // The Navigation API navigates the window it belongs to: a frame's is a frame request (the
  // top-level page navigating itself is the visitor's to see, like a link).
  wrap(
    w.Navigation?.prototype,
    'navigate',
    (original) =>
      function (...args) {
        args[0] = String(args[0]);
        let topLevel = false;
        try {
          topLevel = this === getNavigation?.call(w.top);
        } catch {
          // a top-level window of another origin: this one is a frame
        }
        if (!topLevel && isBlocked(args[0], pageBase(), 'frame')) throw new DOMException('navigate: blocked by Palisade', 'SecurityError');
        return original.apply(this, args);
      },
  );

  // `new Audio(url)` sets its src inside the constructor.
  if (w.Audio) {
    installGlobal(
      w,
      'Audio',
      new Proxy(w.Audio, {
        construct(ctor, args, newTarget) {
          if (args[0] !== undefined) args = [String(args[0])]; // read once
          if (args[0] !== undefined && isBlocked(args[0], pageBase(), 'media')) args = [];
          return Reflect.construct(ctor, args, newTarget);
        },
      }),
    );
  }

  // Whatever the parser inserts after the guard, and anything that got past the paths above.
  const observer = new w.MutationObserver((records: MutationRecord[]) => {
    for (const r of records) {
      const frames: Element[] = [];
      if (r.type === 'childList') for (const n of r.addedNodes) cleanedOnInsert.delete(n) || clean(n, frames);
      else cleanElement(r.target as Element, frames);
      frames.forEach(guardFrame);
    }
  });
  const observed = new WeakSet<Document>();
  return () => {
    const doc = w.document;
    doc.addEventListener('load', onFrameLoad, true); // once: the same listener is not added twice
    if (observed.has(doc)) return;
    observed.add(doc);
    observer.observe(doc, { childList: true, subtree: true, attributes: true, attributeFilter: OBSERVED });
  };
}
