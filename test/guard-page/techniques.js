/*
 * Ways a third-party request can start, for the pixel guard's browser test. Each technique runs
 * against a realm `w` (the page, a same-origin frame) and requests `u`, a URL unique to it on the
 * "third party" (another loopback port), so a leak names the technique that let it through.
 * Techniques marked `parsing` use document.write and only run while a document is being parsed.
 */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  function append(w, el) { (w.document.body || w.document.documentElement).appendChild(el); return el; }
  function make(w, tag) { return w.document.createElement(tag); }
  function parsed(w, html) { return new w.DOMParser().parseFromString(html, 'text/html'); }
  /** A hidden frame for background navigations (form posts, pinged links) to land in. */
  function sink(w) { var f = make(w, 'iframe'); f.name = 'sink' + Math.random().toString(36).slice(2); f.hidden = true; append(w, f); return f.name; }
  // For the second set (techniques-2.js), which runs through the same runner.
  window.guardHelpers = { SVG: SVG, append: append, make: make, parsed: parsed, sink: sink };

  window.guardTechniques = {
    // Scripts
    'script-src-property': function (w, u) { var s = make(w, 'script'); s.src = u; append(w, s); },
    'script-setAttribute': function (w, u) { var s = make(w, 'script'); s.setAttribute('src', u); append(w, s); },
    'script-src-after-insert': function (w, u) { var s = append(w, make(w, 'script')); s.src = u; },
    'script-insertBefore': function (w, u) { var s = make(w, 'script'); s.src = u; w.document.head.insertBefore(s, w.document.head.firstChild); },
    'script-append-prepend': function (w, u) { var s = make(w, 'script'); s.src = u; w.document.head.prepend(s); },
    'script-replaceWith': function (w, u) { var old = append(w, make(w, 'span')); var s = make(w, 'script'); s.src = u; old.replaceWith(s); },
    'script-insertAdjacentElement': function (w, u) { var s = make(w, 'script'); s.src = u; w.document.body.insertAdjacentElement('beforeend', s); },
    'script-setAttributeNS': function (w, u) { var s = make(w, 'script'); s.setAttributeNS(null, 'src', u); append(w, s); },
    'script-createElementNS': function (w, u) { var s = w.document.createElementNS('http://www.w3.org/1999/xhtml', 'script'); s.src = u; append(w, s); },
    'script-prototype-setter': function (w, u) { var s = make(w, 'script'); Object.getOwnPropertyDescriptor(w.HTMLScriptElement.prototype, 'src').set.call(s, u); append(w, s); },
    'script-cloneNode': function (w, u) { var s = make(w, 'script'); s.src = u; append(w, s.cloneNode(true)); },
    'script-createContextualFragment': function (w, u) { var r = w.document.createRange(); r.selectNode(w.document.body); append(w, r.createContextualFragment('<script src="' + u + '"></scr' + 'ipt>')); },
    'script-document-write': { parsing: true, run: function (w, u) { w.document.write('<script src="' + u + '"></scr' + 'ipt>'); } },
    'script-document-writeln': { parsing: true, run: function (w, u) { w.document.writeln('<script src="' + u + '"></scr' + 'ipt>'); } },
    'script-svg-href': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var s = w.document.createElementNS(SVG, 'script'); s.setAttribute('href', u); svg.appendChild(s); },
    'script-attr-node': function (w, u) { var s = make(w, 'script'); var a = w.document.createAttribute('src'); a.value = u; s.setAttributeNode(a); append(w, s); },
    'script-named-item': function (w, u) { var s = make(w, 'script'); var a = w.document.createAttribute('src'); a.value = u; s.attributes.setNamedItem(a); append(w, s); },
    'script-modulepreload': function (w, u) { var l = make(w, 'link'); l.rel = 'modulepreload'; l.href = u; w.document.head.appendChild(l); },
    // Images and pixels
    'img-new-Image': function (w, u) { new w.Image(1, 1).src = u; },
    'img-setAttribute-detached': function (w, u) { make(w, 'img').setAttribute('src', u); },
    'img-srcset': function (w, u) { make(w, 'img').srcset = u + ' 1x'; },
    'img-picture-source': function (w, u) { var p = make(w, 'picture'); var s = make(w, 'source'); s.srcset = u; p.appendChild(s); p.appendChild(make(w, 'img')); append(w, p); },
    'img-innerHTML': function (w, u) { append(w, make(w, 'div')).innerHTML = '<img width="1" height="1" src="' + u + '">'; },
    'img-outerHTML': function (w, u) { append(w, make(w, 'div')).outerHTML = '<img src="' + u + '">'; },
    'img-insertAdjacentHTML': function (w, u) { w.document.body.insertAdjacentHTML('beforeend', '<img src="' + u + '">'); },
    'img-setHTMLUnsafe': function (w, u) { var d = append(w, make(w, 'div')); if (d.setHTMLUnsafe) d.setHTMLUnsafe('<img src="' + u + '">'); else d.innerHTML = '<img src="' + u + '">'; },
    'img-entity-encoded': function (w, u) { append(w, make(w, 'div')).innerHTML = '<img src="' + u.replace(/\//g, '&#47;').replace(/:/g, '&#58;') + '">'; },
    'img-DOMParser-adoptNode': function (w, u) { append(w, w.document.adoptNode(parsed(w, '<img src="' + u + '">').body.firstChild)); },
    'img-DOMParser-importNode': function (w, u) { w.document.importNode(parsed(w, '<img src="' + u + '">').body.firstChild, true); },
    'img-DOMParser-appendChild': function (w, u) { append(w, parsed(w, '<p><img src="' + u + '"></p>').body.firstChild); },
    'img-template-clone': function (w, u) { var t = make(w, 'template'); t.innerHTML = '<img src="' + u + '">'; append(w, t.content.cloneNode(true)); },
    'img-range-insertNode': function (w, u) { var r = w.document.createRange(); r.selectNodeContents(w.document.body); r.insertNode(parsed(w, '<img src="' + u + '">').body.firstChild); },
    'img-attr-value': function (w, u) { var i = append(w, make(w, 'img')); i.setAttribute('src', 'data:,'); i.getAttributeNode('src').value = u; },
    'img-attr-nodeValue': function (w, u) { var i = append(w, make(w, 'img')); i.setAttribute('alt', ''); i.setAttribute('src', 'data:,'); i.attributes.getNamedItem('src').nodeValue = u; },
    'img-input-type-image': function (w, u) { var i = make(w, 'input'); i.type = 'image'; i.src = u; append(w, i); },
    'img-video-poster': function (w, u) { var v = make(w, 'video'); v.poster = u; append(w, v); },
    'img-svg-image': function (w, u) { var svg = append(w, w.document.createElementNS(SVG, 'svg')); var i = w.document.createElementNS(SVG, 'image'); i.setAttributeNS('http://www.w3.org/1999/xlink', 'xlink:href', u); svg.appendChild(i); },
    'img-body-background': function (w, u) { var t = append(w, make(w, 'table')); t.setAttribute('background', u); },
    'img-execCommand-insertHTML': function (w, u) {
      var d = append(w, make(w, 'div')); d.contentEditable = 'true'; d.textContent = 'x';
      var r = w.document.createRange(); r.selectNodeContents(d); var sel = w.getSelection(); sel.removeAllRanges(); sel.addRange(r);
      w.document.execCommand('insertHTML', false, '<img src="' + u + '">');
    },
    'img-attributionsrc': function (w, u) { var i = make(w, 'img'); i.setAttribute('attributionsrc', u); i.src = '/pixel.gif'; append(w, i); },
    'media-new-Audio': function (w, u) { new w.Audio(u).load(); },
    'media-video-src': function (w, u) { var v = make(w, 'video'); v.preload = 'auto'; v.src = u; append(w, v); },
    'object-data': function (w, u) { var o = make(w, 'object'); o.data = u; append(w, o); },
    'embed-src': function (w, u) { var e = make(w, 'embed'); e.src = u; append(w, e); },
    // Frames
    'iframe-src': function (w, u) { var f = make(w, 'iframe'); f.src = u; append(w, f); },
    'iframe-srcdoc-img': function (w, u) { var f = make(w, 'iframe'); f.srcdoc = '<img src="' + u + '">'; append(w, f); },
    'iframe-srcdoc-script': function (w, u) { var f = make(w, 'iframe'); f.srcdoc = '<script>new Image().src = ' + JSON.stringify(u) + '</scr' + 'ipt>'; append(w, f); },
    'iframe-fresh-realm-createElement': function (w, u) { var f = append(w, make(w, 'iframe')); var i = f.contentWindow.document.createElement('img'); i.src = u; append(w, i); },
    'iframe-fresh-realm-setter': function (w, u) { var f = append(w, make(w, 'iframe')); var i = make(w, 'img'); Object.getOwnPropertyDescriptor(f.contentWindow.HTMLImageElement.prototype, 'src').set.call(i, u); append(w, i); },
    'iframe-fresh-realm-fetch': function (w, u) { var f = append(w, make(w, 'iframe')); f.contentWindow.fetch(u).catch(function () {}); },
    'iframe-frames-index': function (w, u) { append(w, make(w, 'div')).innerHTML = '<iframe></iframe>'; var f = w.frames[w.frames.length - 1]; f.navigator.sendBeacon(u, 'x'); },
    // Links
    'link-preload': function (w, u) { var l = make(w, 'link'); l.rel = 'preload'; l.as = 'image'; l.href = u; w.document.head.appendChild(l); },
    'link-prefetch': function (w, u) { var l = make(w, 'link'); l.rel = 'prefetch'; l.href = u; w.document.head.appendChild(l); },
    'link-stylesheet': function (w, u) { var l = make(w, 'link'); l.setAttribute('rel', 'stylesheet'); l.setAttribute('href', u); w.document.head.appendChild(l); },
    'link-rel-after-href': function (w, u) { var l = make(w, 'link'); l.href = u; l.rel = 'stylesheet'; w.document.head.appendChild(l); },
    'link-preconnect': function (w, u) { var l = make(w, 'link'); l.rel = 'preconnect'; l.href = u; w.document.head.appendChild(l); },
    'link-dns-prefetch': function (w, u) { var l = make(w, 'link'); l.rel = 'dns-prefetch'; l.href = u; w.document.head.appendChild(l); },
    // Network APIs
    'fetch-string': function (w, u) { w.fetch(u, { mode: 'no-cors' }).catch(function () {}); },
    'fetch-Request': function (w, u) { w.fetch(new w.Request(u, { mode: 'no-cors' })).catch(function () {}); },
    'fetch-URL-object': function (w, u) { w.fetch(new w.URL(u), { mode: 'no-cors' }).catch(function () {}); },
    'fetch-keepalive': function (w, u) { w.fetch(u, { method: 'POST', body: 'x', keepalive: true, mode: 'no-cors' }).catch(function () {}); },
    'fetchLater': function (w, u) { if (w.fetchLater) { try { w.fetchLater(u, { activateAfter: 0 }); } catch (e) { /* blocked */ } } else w.fetch(u).catch(function () {}); },
    'xhr': function (w, u) { var x = new w.XMLHttpRequest(); x.open('GET', u); x.send(); },
    'sendBeacon': function (w, u) { w.navigator.sendBeacon(u, 'x'); },
    'websocket': function (w, u) { try { new w.WebSocket(u.replace(/^http/, 'ws')); } catch (e) { /* blocked */ } },
    'eventsource': function (w, u) { try { new w.EventSource(u); } catch (e) { /* blocked */ } },
    'a-ping': function (w, u) { var a = append(w, make(w, 'a')); a.href = '/blank.html'; a.target = sink(w); a.ping = u; a.click(); },
    'a-ping-attribute': function (w, u) { var a = append(w, make(w, 'a')); a.setAttribute('href', '/blank.html'); a.target = sink(w); a.setAttribute('ping', u); a.click(); },
    'form-background-post': function (w, u) { var form = make(w, 'form'); form.method = 'POST'; form.action = u; form.target = sink(w); append(w, form); form.submit(); },
    'form-button-formaction': function (w, u) { var form = make(w, 'form'); form.method = 'POST'; form.target = sink(w); var b = make(w, 'button'); b.formAction = u; form.appendChild(b); append(w, form); form.requestSubmit(b); },
    'worker-blob': function (w, u) { new w.Worker(w.URL.createObjectURL(new w.Blob(['fetch(' + JSON.stringify(u) + ').catch(function(){})']))); },
    'worker-same-origin-url': function (w, u) { new w.Worker('/worker.js?u=' + encodeURIComponent(u)); },
    'worker-module': function (w, u) { new w.Worker(w.URL.createObjectURL(new w.Blob(['await fetch(' + JSON.stringify(u) + ').catch(() => {})'], { type: 'text/javascript' })), { type: 'module' }); },
    'worker-importScripts': function (w, u) { new w.Worker(w.URL.createObjectURL(new w.Blob(['try { importScripts(' + JSON.stringify(u) + ') } catch (e) {}']))); },
    'worker-xhr-websocket': function (w, u) { new w.Worker(w.URL.createObjectURL(new w.Blob(['var x = new XMLHttpRequest(); x.open("GET", ' + JSON.stringify(u + '-xhr') + '); x.send(); try { new WebSocket(' + JSON.stringify(u.replace(/^http/, 'ws') + '-ws') + ') } catch (e) {}']))); },
  };

  /**
   * Runs every technique in realm `w`; `url(name)` gives each its URL. Errors count as blocked.
   * `part` ([index, of]) runs every `of`-th technique from `index` only.
   */
  window.runGuardTechniques = function (w, url, parsing, part) {
    var ran = [];
    Object.keys(window.guardTechniques).forEach(function (name, i) {
      if (part && i % part[1] !== part[0]) return;
      var t = window.guardTechniques[name];
      var run = typeof t === 'function' ? t : t.run;
      if (typeof t !== 'function' && t.parsing && !parsing) return;
      try { run(w, url(name)); } catch (e) { /* a blocked constructor throws */ }
      ran.push(name);
    });
    return ran;
  };
})();
