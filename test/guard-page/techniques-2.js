/*
 * The guard's second technique set (guard v2): ways a determined script reaches a third party
 * through what the first set (techniques.js) does not exercise: fetching APIs outside the DOM,
 * URL conversions that change between the guard's look and the browser's, realms other than a
 * freshly inserted frame (popups, second documents, SVG, XML and text documents in frames,
 * legacy frames, embeds), declarative and closed shadow DOM, attributes that change what another
 * attribute does (rel, sandbox, base, meta refresh, speculation rules), and workers of every kind.
 * Same contract as the first set: each technique runs against realm `w` and requests `u`.
 */
(function () {
  'use strict';
  var h = window.guardHelpers;
  var SVG = h.SVG;
  var append = h.append;
  var make = h.make;
  var parsed = h.parsed;
  var sink = h.sink;
  var XHTML = 'http://www.w3.org/1999/xhtml';
  var XLINK = 'http://www.w3.org/1999/xlink';
  function noop() {}
  function rand() { return Math.random().toString(36).slice(2); }
  /**
   * A URL that lies to a guard: where fetch has been wrapped, it reads as a first-party URL the
   * first time it becomes a string (the guard's look) and as `u` after (the browser's).
   */
  function flip(w, u) { var n = /\[native code\]/.test(String(w.fetch)) ? 1 : 0; return { toString: function () { return n++ ? u : '/ok.json'; } }; }
  /** A worker running `code` from a blob made in realm `w`. */
  function worker(w, code) { return new w.Worker(w.URL.createObjectURL(new w.Blob([code]))); }
  /**
   * A frame that has loaded `first`, then a second document `src` (a new realm: only the first
   * document after about:blank keeps the frame's window); `then(frame)` runs once that one loaded.
   */
  function secondDocument(w, src, then) {
    var f = make(w, 'iframe');
    var loads = 0;
    f.name = 'second-' + rand();
    f.src = '/blank.html';
    f.addEventListener('load', function () {
      loads++;
      if (loads === 1) f.contentWindow.location.replace(src);
      else if (loads === 2) { try { then(f); } catch (e) { /* blocked */ } }
    });
    append(w, f);
  }
  /** An element made contentEditable, with its content selected, for execCommand. */
  function editable(w) {
    var d = append(w, make(w, 'div')); d.contentEditable = 'true'; d.textContent = 'x';
    var r = w.document.createRange(); r.selectNodeContents(d); var sel = w.getSelection(); sel.removeAllRanges(); sel.addRange(r);
    return d;
  }
  /** A <base> pointing at the third party, in place only while `run` runs. */
  function withBase(w, u, run) {
    var b = make(w, 'base'); b.href = u + '/';
    w.document.head.prepend(b);
    try { run(); } finally { b.remove(); }
  }
  var RULES = function (u) { return JSON.stringify({ prefetch: [{ source: 'list', urls: [u] }] }); };

  Object.assign(window.guardTechniques, {
    // Fetching APIs outside the DOM (the guard's FETCHING_APIS), and URL values that change when read twice
    'api-FontFace': function (w, u) { new w.FontFace('t' + Math.random().toString(36).slice(2), 'url(' + u + ')').load().catch(function () {}); },
    'api-cache-add': function (w, u) { if (w.caches) w.caches.open('guard-test').then(function (c) { return c.add(u); }).catch(function () {}); else w.fetch(u).catch(function () {}); },
    'api-cache-addAll': function (w, u) { if (w.caches) w.caches.open('guard-test').then(function (c) { return c.addAll([u]); }).catch(function () {}); else w.fetch(u).catch(function () {}); },
    'api-audioWorklet': function (w, u) { var C = w.AudioContext || w.OfflineAudioContext; if (C === w.AudioContext) new C().audioWorklet.addModule(u).catch(function () {}); },
    'api-paintWorklet': function (w, u) { if (w.CSS && w.CSS.paintWorklet) w.CSS.paintWorklet.addModule(u).catch(function () {}); },
    'api-WebSocketStream': function (w, u) { if (w.WebSocketStream) new w.WebSocketStream(u.replace(/^http/, 'ws')); else new w.WebSocket(u.replace(/^http/, 'ws')); },
    'api-speculationrules': function (w, u) { var s = make(w, 'script'); s.type = 'speculationrules'; s.textContent = JSON.stringify({ prefetch: [{ source: 'list', urls: [u] }] }); append(w, s); },
    'api-fetch-toString-flip': function (w, u) { w.fetch(flip(w, u), { mode: 'no-cors' }).catch(noop); },
    'api-xhr-toString-flip': function (w, u) { var x = new w.XMLHttpRequest(); x.open('GET', flip(w, u)); x.send(); },
    'api-beacon-toString-flip': function (w, u) { w.navigator.sendBeacon(flip(w, u), 'x'); },
    'api-websocket-toString-flip': function (w, u) { new w.WebSocket(flip(w, u.replace(/^http/, 'ws'))); },
    'api-eventsource-toString-flip': function (w, u) { new w.EventSource(flip(w, u)); },
    'api-cache-add-toString-flip': function (w, u) { w.caches.open('guard-test').then(function (c) { return c.add(flip(w, u)); }).catch(noop); },
    'api-fetch-Request-subclass': function (w, u) { var R = class extends w.Request { get url() { return '/ok.json'; } }; w.fetch(new R(u, { mode: 'no-cors' })).catch(noop); },
    'api-fetch-foreign-Request': function (w, u) { var f = append(w, make(w, 'iframe')); w.fetch(new f.contentWindow.Request(u, { mode: 'no-cors' })).catch(noop); },
    'api-beacon-foreign-prototype': function (w, u) { var f = append(w, make(w, 'iframe')); f.contentWindow.Navigator.prototype.sendBeacon.call(w.navigator, u, 'x'); },
    'api-xhr-URL-object': function (w, u) { var x = new w.XMLHttpRequest(); x.open('POST', new w.URL(u)); x.send('x'); },
    'api-audioWorklet-offline': function (w, u) { new w.OfflineAudioContext(1, 128, 44100).audioWorklet.addModule(u).catch(noop); },
    // Parser entry points: declarative and closed shadow DOM, the sanitizer API, execCommand, XSLT
    'dsd-setHTMLUnsafe': function (w, u) { var d = append(w, make(w, 'div')); if (d.setHTMLUnsafe) d.setHTMLUnsafe('<div><template shadowrootmode="open"><img src="' + u + '"></template></div>'); else d.innerHTML = '<img src="' + u + '">'; },
    'dsd-nested-template': function (w, u) { var d = append(w, make(w, 'div')); if (d.setHTMLUnsafe) d.setHTMLUnsafe('<div><template shadowrootmode="open"><div><template shadowrootmode="open"><img src="' + u + '"></template></div></template></div>'); else d.innerHTML = '<img src="' + u + '">'; },
    'dsd-parseHTMLUnsafe-import': function (w, u) { if (w.Document.parseHTMLUnsafe) { var doc = w.Document.parseHTMLUnsafe('<div><template shadowrootmode="open" shadowrootclonable><img src="' + u + '"></template></div>'); append(w, w.document.importNode(doc.body.firstChild, true)); } else new w.Image().src = u; },
    'dsd-closed-parseHTMLUnsafe': function (w, u) { var doc = w.Document.parseHTMLUnsafe('<div><template shadowrootmode="closed"><img src="' + u + '"></template></div>'); append(w, doc.body.firstChild); },
    'dsd-closed-shadow-setHTMLUnsafe': function (w, u) { append(w, make(w, 'div')).attachShadow({ mode: 'closed' }).setHTMLUnsafe('<div><template shadowrootmode="closed"><img src="' + u + '"></template></div>'); },
    'dsd-clonable-clone': function (w, u) { var doc = w.Document.parseHTMLUnsafe('<div><template shadowrootmode="open" shadowrootclonable><img src="' + u + '"></template></div>'); append(w, doc.body.firstChild.cloneNode(true)); },
    'shadow-closed-innerHTML': function (w, u) { append(w, make(w, 'div')).attachShadow({ mode: 'closed' }).innerHTML = '<img src="' + u + '">'; },
    'shadow-detached-then-connected': function (w, u) { var host = make(w, 'div'); host.attachShadow({ mode: 'closed' }).appendChild(parsed(w, '<img src="' + u + '">').body.firstChild); append(w, host); },
    'template-nested-content-clone': function (w, u) { var t = make(w, 'template'); t.innerHTML = '<template><img src="' + u + '"></template>'; append(w, t.content.firstChild.content.cloneNode(true)); },
    'dsd-document-write': { parsing: true, run: function (w, u) { w.document.write('<div><template shadowrootmode="open"><img src="' + u + '"></template></div>'); } },
    'sanitizer-setHTML-allowlist': function (w, u) { append(w, make(w, 'div')).setHTML('<img src="' + u + '">', { sanitizer: { elements: ['img'], attributes: ['src'] } }); },
    'execCommand-insertImage': function (w, u) { editable(w); w.document.execCommand('insertImage', false, u); },
    'xslt-transformToFragment': function (w, u) {
      var xsl = new w.DOMParser().parseFromString('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="html"/><xsl:template match="/"><img src="' + u + '"/></xsl:template></xsl:stylesheet>', 'application/xml');
      var p = new w.XSLTProcessor(); p.importStylesheet(xsl);
      append(w, p.transformToFragment(new w.DOMParser().parseFromString('<x/>', 'application/xml'), w.document));
    },
    'xslt-transformToDocument-adopt': function (w, u) {
      var xsl = new w.DOMParser().parseFromString('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="html"/><xsl:template match="/"><div><img src="' + u + '"/></div></xsl:template></xsl:stylesheet>', 'application/xml');
      var p = new w.XSLTProcessor(); p.importStylesheet(xsl);
      var doc = p.transformToDocument(new w.DOMParser().parseFromString('<x/>', 'application/xml'));
      append(w, w.document.adoptNode(doc.querySelector('div')));
    },
    // Attributes that change what another attribute does, and URLs outside the usual attributes
    'link-rel-changed-after-insert': function (w, u) { var l = make(w, 'link'); l.rel = 'canonical'; l.href = u; w.document.head.appendChild(l); l.rel = 'stylesheet'; },
    'link-relList-after-href': function (w, u) { var l = make(w, 'link'); l.rel = 'canonical'; l.href = u; w.document.head.appendChild(l); l.relList.remove('canonical'); l.relList.add('stylesheet'); },
    'link-rel-attribute-after-href': function (w, u) { var l = make(w, 'link'); l.setAttribute('rel', 'alternate'); l.setAttribute('href', u); w.document.head.appendChild(l); l.setAttribute('rel', 'stylesheet'); },
    'tr-background': function (w, u) { var t = make(w, 'table'); var r = t.insertRow(); r.setAttribute('background', u); r.insertCell().textContent = 'x'; append(w, t); },
    'svg-set-href': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var img = w.document.createElementNS(SVG, 'image'); img.setAttribute('width', '1'); img.setAttribute('height', '1'); var set = w.document.createElementNS(SVG, 'set'); set.setAttribute('attributeName', 'href'); set.setAttribute('to', u); img.appendChild(set); svg.appendChild(img); },
    'svg-baseVal': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var img = w.document.createElementNS(SVG, 'image'); img.setAttribute('width', '1'); img.setAttribute('height', '1'); svg.appendChild(img); img.href.baseVal = u; },
    'svg-xlink-custom-prefix': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var img = w.document.createElementNS(SVG, 'image'); img.setAttribute('width', '1'); img.setAttribute('height', '1'); img.setAttributeNS('http://www.w3.org/1999/xlink', 'foo:href', u); svg.appendChild(img); },
    'link-relList-toggle': function (w, u) { var l = make(w, 'link'); l.rel = 'canonical'; l.href = u; w.document.head.appendChild(l); l.relList.toggle('canonical'); l.relList.toggle('stylesheet'); },
    'link-rel-attr-node-value': function (w, u) { var l = make(w, 'link'); l.setAttribute('rel', 'canonical'); l.href = u; w.document.head.appendChild(l); l.getAttributeNode('rel').value = 'stylesheet'; },
    'link-imagesrcset': function (w, u) { var l = make(w, 'link'); l.rel = 'preload'; l.as = 'image'; l.imageSrcset = u + ' 1x'; w.document.head.appendChild(l); },
    'td-background': function (w, u) { var t = make(w, 'table'); var c = t.insertRow().insertCell(); c.textContent = 'x'; c.setAttribute('background', u); append(w, t); },
    'svg-feImage': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var f = w.document.createElementNS(SVG, 'filter'); f.id = 'f' + rand(); var fe = w.document.createElementNS(SVG, 'feImage'); fe.setAttribute('href', u); f.appendChild(fe); svg.appendChild(f); var r = w.document.createElementNS(SVG, 'rect'); r.setAttribute('width', '1'); r.setAttribute('height', '1'); r.setAttribute('filter', 'url(#' + f.id + ')'); svg.appendChild(r); },
    'svg-animate-values': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var img = w.document.createElementNS(SVG, 'image'); img.setAttribute('width', '1'); img.setAttribute('height', '1'); var a = w.document.createElementNS(SVG, 'animate'); a.setAttribute('attributeName', 'href'); a.setAttribute('values', u); a.setAttribute('dur', '10s'); img.appendChild(a); svg.appendChild(img); },
    'svg-setAttributeNodeNS-xlink': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var img = w.document.createElementNS(SVG, 'image'); img.setAttribute('width', '1'); img.setAttribute('height', '1'); var a = w.document.createAttributeNS(XLINK, 'xlink:href'); a.value = u; img.setAttributeNodeNS(a); svg.appendChild(img); },
    'base-then-script': function (w, u) { var s = make(w, 'script'); s.src = 'x.js'; withBase(w, u, function () { append(w, s); }); },
    'base-then-ping': function (w, u) { var a = append(w, make(w, 'a')); a.href = '/blank.html'; a.target = sink(w); a.ping = 'ping'; withBase(w, u, function () { a.click(); }); },
    'base-then-form': function (w, u) { var form = append(w, make(w, 'form')); form.method = 'POST'; form.action = 'collect'; form.target = sink(w); withBase(w, u, function () { form.submit(); }); },
    'base-in-markup': function (w, u) { w.document.head.insertAdjacentHTML('afterbegin', '<base href="' + u + '/">'); var s = make(w, 'script'); s.src = 'x.js'; append(w, s); var b = w.document.head.querySelector('base'); if (b) b.remove(); },
    'meta-refresh-frame': function (w, u) { var f = append(w, make(w, 'iframe')); var d = f.contentDocument; var m = d.createElement('meta'); m.httpEquiv = 'refresh'; m.content = '0;url=' + u; d.head.appendChild(m); },
    'meta-refresh-equiv-after': function (w, u) { var f = append(w, make(w, 'iframe')); var d = f.contentDocument; var m = d.createElement('meta'); m.content = '0; URL=\'' + u + '\''; d.head.appendChild(m); m.httpEquiv = 'refresh'; },
    'input-type-image-after-src': function (w, u) { var i = make(w, 'input'); i.src = u; append(w, i); i.type = 'image'; },
    'srcdoc-attr-node': function (w, u) { var f = make(w, 'iframe'); var a = w.document.createAttribute('srcdoc'); a.value = '<img src="' + u + '">'; f.setAttributeNode(a); append(w, f); },
    'srcdoc-attr-value-after': function (w, u) { var f = make(w, 'iframe'); f.setAttribute('srcdoc', '<p>x</p>'); f.getAttributeNode('srcdoc').value = '<img src="' + u + '">'; append(w, f); },
    'speculationrules-empty-then-text': function (w, u) { var s = make(w, 'script'); s.type = 'speculationrules'; append(w, s); s.textContent = RULES(u); },
    'speculationrules-type-after-insert': function (w, u) { var s = make(w, 'script'); s.type = 'text/plain'; s.textContent = RULES(u); append(w, s); s.type = 'speculationrules'; s.appendChild(w.document.createTextNode(' ')); },
    // Frames whose document the page writes through a URL
    'frame-javascript-url': function (w, u) { var f = make(w, 'iframe'); f.src = 'javascript:' + encodeURIComponent('"<img src=\'' + u + '\'>"'); append(w, f); },
    'frame-data-url': function (w, u) { var f = make(w, 'iframe'); f.src = 'data:text/html,' + encodeURIComponent('<img src="' + u + '">'); append(w, f); },
    'frame-blob-url': function (w, u) { var f = make(w, 'iframe'); f.src = w.URL.createObjectURL(new w.Blob(['<img src="' + u + '">'], { type: 'text/html' })); append(w, f); },
    'object-data-url': function (w, u) { var o = make(w, 'object'); o.type = 'text/html'; o.data = 'data:text/html,' + encodeURIComponent('<img src="' + u + '">'); append(w, o); },
    'srcdoc-sandboxed-scripts': function (w, u) { var f = make(w, 'iframe'); f.setAttribute('sandbox', 'allow-scripts'); f.srcdoc = '<script>fetch(' + JSON.stringify(u) + ', { mode: "no-cors" }).catch(function () {})</scr' + 'ipt>'; append(w, f); },
    'srcdoc-sandbox-tokens': function (w, u) { var f = make(w, 'iframe'); f.srcdoc = '<script>fetch(' + JSON.stringify(u) + ', { mode: "no-cors" }).catch(function () {})</scr' + 'ipt>'; f.sandbox.add('allow-scripts'); append(w, f); },
    // Realms the page can reach other than frames it inserts: popups, second documents, non-HTML documents
    'realm-popup-written': function (w, u) { var p = w.open('', 'popup-' + Math.random().toString(36).slice(2), 'popup,width=10,height=10'); if (p) { p.document.write('<img src="' + u + '">'); } },
    'realm-popup-fetch': function (w, u) { var p = w.open('', 'popup-' + Math.random().toString(36).slice(2), 'popup,width=10,height=10'); if (p) { p.fetch(u, { mode: 'no-cors' }).catch(function () {}); } },
    'realm-object-document': function (w, u) { var o = make(w, 'object'); o.type = 'text/html'; o.data = '/blank.html'; o.onload = function () { try { o.contentWindow.fetch(u, { mode: 'no-cors' }).catch(function () {}); } catch (e) { /* blocked */ } }; append(w, o); },
    'realm-second-document': function (w, u) { secondDocument(w, '/blank.html?second', function (f) { w[f.name].fetch(u, { mode: 'no-cors' }).catch(noop); }); },
    'realm-svg-document': function (w, u) { secondDocument(w, '/doc.svg', function (f) { new (w[f.name].Image)().src = u; }); },
    'realm-xml-document': function (w, u) { secondDocument(w, '/doc.xml', function (f) { var d = f.contentDocument; var i = d.createElementNS(XHTML, 'img'); i.src = u; d.documentElement.appendChild(i); }); },
    'realm-text-document': function (w, u) { secondDocument(w, '/ok.json', function (f) { f.contentDocument.body.innerHTML = '<img src="' + u + '">'; }); },
    'realm-svg-getSVGDocument': function (w, u) { secondDocument(w, '/doc.svg', function (f) { var d = f.getSVGDocument(); var i = d.createElementNS(SVG, 'image'); i.setAttribute('href', u); d.documentElement.appendChild(i); }); },
    'realm-embed-svg': function (w, u) { var e = make(w, 'embed'); e.type = 'image/svg+xml'; e.src = '/doc.svg'; e.addEventListener('load', function () { try { e.getSVGDocument().defaultView.fetch(u, { mode: 'no-cors' }).catch(noop); } catch (x) { /* blocked */ } }); append(w, e); },
    'realm-object-svg': function (w, u) { var o = make(w, 'object'); o.type = 'image/svg+xml'; o.data = '/doc.svg'; o.addEventListener('load', function () { try { new (o.contentDocument.defaultView.Image)().src = u; } catch (x) { /* blocked */ } }); append(w, o); },
    'realm-legacy-frame': function (w, u) { var f = append(w, make(w, 'iframe')); var d = f.contentDocument; d.open(); d.write('<frameset><frame src="/blank.html"></frameset>'); d.close(); var fr = d.querySelector('frame'); fr.addEventListener('load', function () { fr.contentWindow.fetch(u, { mode: 'no-cors' }).catch(noop); }); },
    'realm-frame-named-access': function (w, u) { var f = make(w, 'iframe'); f.name = 'named-' + rand(); append(w, f); w[f.name].navigator.sendBeacon(u, 'x'); },
    'realm-open-url-into-frame': function (w, u) { var name = sink(w); w.open(u, name); },
    'realm-popup-frames': function (w, u) { var p = w.open('', 'popup-' + rand(), 'popup,width=10,height=10'); if (p) { p.document.write('<iframe></iframe>'); p.frames[0].fetch(u, { mode: 'no-cors' }).catch(noop); } },
    'realm-popup-document-open': function (w, u) { var p = w.open('', 'popup-' + rand(), 'popup,width=10,height=10'); if (p) { p.document.open(); p.document.write('<img src="' + u + '">'); p.document.close(); } },
    // Workers
    'worker-nested': function (w, u) { new w.Worker(w.URL.createObjectURL(new w.Blob(['try { new Worker(URL.createObjectURL(new Blob(["fetch(' + JSON.stringify(u).replace(/"/g, '\\"') + ').catch(function(){})"]))) } catch (e) {}']))); },
    'sharedworker-blob': function (w, u) { new w.SharedWorker(w.URL.createObjectURL(new w.Blob(['fetch(' + JSON.stringify(u) + ').catch(function(){})']))); },
    'worker-socket-stream': function (w, u) { new w.Worker(w.URL.createObjectURL(new w.Blob(['try { new (self.WebSocketStream || WebSocket)(' + JSON.stringify(u.replace(/^http/, 'ws')) + ') } catch (e) {}']))); },
    'worker-data-url': function (w, u) { new w.Worker('data:text/javascript,' + encodeURIComponent('fetch(' + JSON.stringify(u) + ').catch(function(){})')); },
    'worker-from-frame-realm': function (w, u) { var f = append(w, make(w, 'iframe')); new f.contentWindow.Worker(w.URL.createObjectURL(new w.Blob(['fetch(' + JSON.stringify(u) + ').catch(function(){})']))); },
    'worker-File-blob': function (w, u) { new w.Worker(w.URL.createObjectURL(new w.File(['fetch(' + JSON.stringify(u) + ').catch(function(){})'], 'w.js'))); },
    'worker-toString-flip': function (w, u) { worker(w, 'var n = /\\[native code\\]/.test(String(fetch)) ? 1 : 0; fetch({ toString: function () { return n++ ? ' + JSON.stringify(u) + ' : "/ok.json"; } }).catch(function(){})'); },
  });
})();
