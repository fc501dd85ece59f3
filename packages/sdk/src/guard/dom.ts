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
  'body,table,thead,tbody,tfoot,tr,td,th background image;svg:script href script;svg:image,svg:use,svg:feImage href image;' +
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
/** Elements that can hold such an attribute, to check a whole subtree with one query. */
const SELECTOR = `${Object.keys(ATTRS).join(',').replace(/svg:/g, '')},[attributionsrc],script[type],meta[content]`;
/**
 * The attributes the MutationObserver watches (repeats are harmless): those above, and what
 * changes their meaning.
 */
const OBSERVED = [...Object.values(ATTRS).flatMap(Object.keys), 'xlink:href', 'attributionsrc', 'srcdoc', 'rel', 'type', 'content', 'http-equiv'];
/** Property names of those attributes where they differ. */
const PROPS: Record<string, string> = { formaction: 'formAction', imagesrcset: 'imageSrcset', attributionsrc: 'attributionSrc' };

/**
 * Link relations that never fetch: a canonical or alternate link to another origin stays. A rel
 * with anything else left once these are removed is checked (a hyphen splits words: `prev-x` is).
 */
const INERT_RELS = /\b(canonical|alternate|author|license|help|bookmark|search|me|next|prev)\b/gi;

/** A sandbox that runs scripts without the page's origin. */
function unreachableSandbox(sandbox: string | null): boolean {
  return sandbox !== null && /(^|\s)allow-scripts(\s|$)/i.test(sandbox) && !/(^|\s)allow-same-origin(\s|$)/i.test(sandbox);
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
const MAY_NAME_ORIGIN = /\/\/|\\|:|&/;

const XHTML = 'http://www.w3.org/1999/xhtml';

/** `img`, `svg:image`; '' for other namespaces (MathML). Namespaces end in /1999/xhtml and /2000/svg. */
function tagKey(el: Element): string {
  const ns = el.namespaceURI ?? '';
  return ns.endsWith('xhtml') ? el.localName : ns.endsWith('svg') ? `svg:${el.localName}` : '';
}

/**
 * Patches realm `w`. Returns a function that watches the realm's current document: a realm can
 * outlive its first document (a frame's initial about:blank is reused by the page it loads).
 */
export function patchDom(w: any, isBlocked: IsBlockedUrl, refused: ReportRefused, guardRealm: (realm: unknown) => void): () => void {
  const E = w.Element.prototype;
  const N = w.Node.prototype;
  const D = w.Document.prototype;
  const { getAttribute, getAttributeNames, removeAttribute, setAttribute } = E;
  const { defineProperty, getOwnPropertyDescriptor: descriptor, getPrototypeOf } = Object;
  const inner = descriptor(E, 'innerHTML')!;
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
  /** A document that never loads anything: where HTML strings are parsed to be looked at. */
  let inertDocument: Document | undefined;
  /**
   * The base a URL in `el` resolves against where it can load: its own document's, or, for a node
   * of a document without a window (a template's, DOMParser's, parseHTMLUnsafe's, XSLT's, whose
   * base is about:blank), the realm's document, where it will load once moved there.
   */
  const baseOf = (el: Element) => (el.ownerDocument?.defaultView ? el.baseURI : w.document.baseURI);

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
      if (url === undefined || w.parent === w || !isBlocked(url, baseOf(el), 'frame')) return v;
      if (attr === 'content') return undefined;
      removeAttribute.call(el, 'content');
      return v;
    }
    // Speculation rules take effect when the script is prepared, and a script that has not run
    // yet is prepared again whenever its text changes: a script that becomes speculation rules
    // once in the page is made inert (one inserted as such is read by speculates() below).
    if (key === 'script' && attr === 'type' && isSpeculation(v) && !isSpeculation(getAttribute.call(el, 'type')) && el.isConnected) return 'palisade/blocked';
    const kind = attr === 'attributionsrc' ? 'connect' : ATTRS[key]?.[attr];
    if (!kind) return v;
    if (key === 'link' && attr === 'href' && inertRel(getAttribute.call(el, 'rel') ?? '')) return v;
    // A document made from page-written code (javascript:, data:, blob:) in a frame or object is a
    // realm the guard cannot reach before its markup loads (a data: one is not even same-origin):
    // it is not created.
    const written = /^\s*(javascript|data|blob):/i.exec(v);
    if ((kind === 'frame' || kind === 'object') && written) {
      refused(`${written[1]!.toLowerCase()}:`, kind);
      return undefined;
    }
    // srcset, ping, attributionsrc and SVG animation values hold lists; splitting a single URL too
    // is harmless (the pieces of a same-origin URL stay same-origin, and an origin cannot contain a
    // space, comma or semicolon).
    const base = baseOf(el);
    if (!v.split(/[\s,;]+/).some((token) => token && isBlocked(token, base, kind))) return v;
    // A form whose action is blocked submits to nowhere rather than to this page.
    return kind === 'form' ? 'about:blank' : undefined;
  }

  /**
   * srcdoc documents get a first script that asks this realm to guard theirs before anything else
   * runs (a new document is a new realm, with prototypes of its own). Idempotent.
   */
  function frameHtml(html: string): string {
    const clean = cleanHtml(html);
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
   * the URLs they list, or every link a document rule (`where`) matches: such a script is made
   * inert when it lists a blocked URL or has a document rule (it could match a link anywhere),
   * and when it is empty (its rules would be read when text is added, after this check).
   */
  function speculates(el: Element): boolean {
    if (!isSpeculation(getAttribute.call(el, 'type'))) return false;
    if (!/\S/.test(el.textContent ?? '')) return true;
    let rules: Record<string, Array<{ urls?: unknown; where?: unknown }>>;
    try {
      rules = JSON.parse(el.textContent ?? '');
    } catch {
      return false; // the browser ignores rules it cannot parse
    }
    for (const list of Object.values(rules ?? {})) {
      if (!Array.isArray(list)) continue;
      for (const rule of list) {
        if (rule?.where !== undefined) return true;
        const urls = Array.isArray(rule?.urls) ? rule.urls : [];
        if (urls.some((u: unknown) => isBlocked(String(u), baseOf(el), 'link'))) return true;
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
    let changed = n.nodeType === 1 && cleanElement(n, frames);
    if (n.firstElementChild) {
      for (const el of n.querySelectorAll(SELECTOR)) changed = cleanElement(el, frames) || changed;
      for (const el of n.querySelectorAll(shadows ? '*' : 'template')) changed = cleanInside(el, frames, shadows) || changed;
    }
    if (n.nodeType === 1) changed = cleanInside(n, frames, shadows) || changed;
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

  /** The HTML a string would produce, rewritten only if it names a blocked URL. */
  function cleanHtml(html: string): string {
    if (!MAY_NAME_ORIGIN.test(html)) return html;
    // An HTML document's template, whatever the realm's document is (an SVG or XML document
    // would parse the string as XML).
    inertDocument ??= w.document.implementation.createHTMLDocument('');
    const template = D.createElement.call(inertDocument, 'template') as HTMLTemplateElement;
    inner.set!.call(template, html); // template contents are inert: nothing loads while we look
    return clean(template.content, [], false) ? inner.get!.call(template) : html;
  }

  function guardFrame(el: Element): void {
    try {
      const realm = frameWindows.get(tagKey(el))?.call(el);
      if (realm) guardRealm(realm);
    } catch {
      // a cross-origin frame: its own origin's rules apply
    }
  }

  const framesIn = (root: any) => root?.querySelectorAll?.(FRAME_TAGS.join(',')).forEach(guardFrame);

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
        const i = args.length - 1; // the value is the last argument, the name the one before
        args[i] = vet(this, args[i - 1], args[i]);
        if (args[i] !== undefined) return original.apply(this, args);
      },
  );
  const vetAttr = (el: Element | undefined, attr: Attr) => {
    const next = el ? vet(el, attr.name, attr.value) : attr.value;
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
  const owners = new WeakMap<object, Element>();
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
  const tokenOwners = new WeakMap<object, Element>();
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
  const recheckTokens = (list: object) => {
    const el = tokenOwners.get(list);
    if (!el) return;
    const attr = tagKey(el) === 'iframe' ? 'sandbox' : 'rel';
    vet(el, attr, getAttribute.call(el, attr) ?? '');
  };
  wrap(
    w.DOMTokenList.prototype,
    'add remove replace toggle',
    (original) =>
      function (...args) {
        const result = original.apply(this, args);
        recheckTokens(this);
        return result;
      },
  );
  wrap(
    w.DOMTokenList.prototype,
    'value',
    (set) =>
      function (v: unknown) {
        set.call(this, v);
        recheckTokens(this);
      },
    'set',
  );

  // SVG URLs through their animated strings (`image.href.baseVal = url`): the string is tied to
  // its element when the element hands it out.
  const animatedOwners = new WeakMap<object, Element>();
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
      const next = this.nodeType === 2 && this.ownerElement ? vet(this.ownerElement, this.name, v) : v;
      if (next !== undefined) set.call(this, next);
    };
  }

  // HTML strings: `prepare` cleans the arguments that hold HTML, then same-origin frames the call
  // created are guarded at once.
  const html =
    (prepare: (args: any[]) => any[]): Make =>
    (original) =>
      function (...args) {
        const root = this.parentNode ?? this;
        const result = original.apply(this, prepare(args));
        framesIn(root);
        return result;
      };
  const at = (index: number) => (args: any[]) => {
    args[index] = cleanHtml(String(args[index]));
    return args;
  };
  for (const proto of [E, w.ShadowRoot?.prototype]) {
    wrap(proto, 'innerHTML outerHTML', html(at(0)), 'set');
    // setHTML runs the sanitizer API, whose allowlist may well keep an img's src.
    wrap(proto, 'setHTMLUnsafe setHTML', html(at(0)));
  }
  wrap(E, 'insertAdjacentHTML', html(at(1)));
  // New documents from a string: inert until their nodes move here, but a closed declarative
  // shadow root in one would move in unseen (no script can reach it): cleaned as a string first.
  wrap(w.Document, 'parseHTMLUnsafe parseHTML', html(at(0)));
  // document.open (and a write to a closed document, which opens it) removes the document's
  // event listeners: the frame-load listener is put back.
  wrap(
    D,
    'write writeln',
    html((args) => [cleanHtml(args.join(''))]),
  );
  wrap(
    D,
    'open write writeln',
    (original) =>
      function (...args) {
        const result = original.apply(this, args);
        if (this.nodeType === 9) this.addEventListener('load', onFrameLoad, true);
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
          if (isBlocked(args[2], this.baseURI, 'image')) return false;
        }
        const result = original.apply(this, args);
        framesIn(this);
        return result;
      },
  );
  wrap(w.Range.prototype, 'createContextualFragment', html(at(0)));
  // XSLT output becomes nodes of the document it is given, and an img made there loads at once,
  // before it is inserted anywhere: the transform writes into an inert document, is cleaned
  // there, and only then moves to the caller's document.
  wrap(
    w.XSLTProcessor?.prototype,
    'transformToFragment',
    (original) =>
      function (source: Node, output: Document) {
        inertDocument ??= w.document.implementation.createHTMLDocument('');
        const fragment = original.call(this, source, inertDocument);
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
  const insertion = (proto: any, names: string, parentOf: (self: any, args: unknown[]) => Node | null = same) => {
    wrap(
      proto,
      names,
      (original) =>
        function (...args) {
          const parent = parentOf(this, args);
          const frames: Element[] = [];
          for (const node of args as Node[]) {
            if (parent && node?.nodeType && ((parent.isConnected && !node.isConnected) || node.ownerDocument !== (parent.ownerDocument ?? parent))) {
              clean(node, frames);
              if (node.nodeType === 11) for (const child of node.childNodes) cleanedOnInsert.add(child);
              else cleanedOnInsert.add(node);
            }
          }
          const result = original.apply(this, args);
          frames.forEach(guardFrame);
          return result;
        },
    );
  };
  insertion(N, 'appendChild insertBefore replaceChild');
  for (const proto of [E, D, w.DocumentFragment.prototype]) insertion(proto, 'append prepend replaceChildren');
  for (const proto of [E, w.CharacterData.prototype, w.DocumentType.prototype]) insertion(proto, 'before after replaceWith', (n) => n.parentNode);
  insertion(E, 'insertAdjacentElement', (n, args) => (/^(afterbegin|beforeend)$/i.test(String(args[0])) ? n : n.parentNode));
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
    if (t?.nodeType === 1 && FRAME_TAGS.includes(tagKey(t))) guardFrame(t);
  };

  // A popup or a window found by name (`open('', name)`) is a realm too: guarded before the
  // caller can write into it. Opening a URL into one of this page's frames is a frame request.
  const isFrameName = (name: string) => {
    for (let i = 0; i < w.frames.length; i++) {
      try {
        if (w.frames[i].name === name) return true;
      } catch {
        // another origin's frame: its name is not ours to read
      }
    }
    return false;
  };
  wrap(
    w,
    'open',
    (original) =>
      function (...args) {
        if (args[0] !== undefined && args[0] !== '') {
          args[0] = String(args[0]);
          if (args[1] !== undefined && isFrameName(String(args[1])) && isBlocked(args[0], w.document.baseURI, 'frame')) return null;
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

  // `new Audio(url)` sets its src inside the constructor.
  if (w.Audio) {
    w.Audio = new Proxy(w.Audio, {
      construct(ctor, args, newTarget) {
        if (args[0] !== undefined && isBlocked(String(args[0]), w.document.baseURI, 'media')) args = [];
        return Reflect.construct(ctor, args, newTarget);
      },
    });
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
