/*
 * What a page does with its own origin and the origins it allowed: every check resolves to a
 * result, collected in window.firstPartyResults. The guard must change none of them.
 */
(function () {
  'use strict';
  var allowed = document.currentScript.getAttribute('data-allowed');
  function loaded(el) { return new Promise(function (r) { el.onload = function () { r('load'); }; el.onerror = function () { r('error'); }; }); }
  function worker(w) { return new Promise(function (r) { w.onmessage = function (e) { r(e.data); }; w.onerror = function () { r('error'); }; }); }
  var checks = {
    script: function () { var s = document.createElement('script'); s.src = '/ok.js'; document.head.appendChild(s); return loaded(s).then(function (x) { return x + ':' + window.okScript; }); },
    image: function () { var i = new Image(); i.src = '/ok.png'; return loaded(i).then(function (x) { return x + ':' + i.naturalWidth; }); },
    innerHTML: function () { var d = document.createElement('div'); document.body.appendChild(d); d.innerHTML = '<img id="inner" src="/ok.png?inner">'; return loaded(document.getElementById('inner')); },
    stylesheet: function () { var l = document.createElement('link'); l.rel = 'stylesheet'; l.href = '/ok.css'; document.head.appendChild(l); return loaded(l).then(function () { return getComputedStyle(document.body).color; }); },
    fetch: function () { return fetch('/ok.json').then(function (r) { return r.json(); }).then(function (j) { return j.ok; }); },
    xhr: function () { return new Promise(function (r) { var x = new XMLHttpRequest(); x.open('GET', '/ok.json'); x.onload = function () { r(x.status + ':' + x.responseText); }; x.send(); }); },
    beacon: function () { return navigator.sendBeacon('/echo', 'x'); },
    eventsource: function () { return new Promise(function (r) { var e = new EventSource('/events'); e.onmessage = function (m) { e.close(); r(m.data); }; }); },
    allowedOrigin: function () { return fetch(allowed + '/allowed.json').then(function (r) { return r.status; }); },
    workerUrl: function () { return worker(new Worker('/ok-worker.js?from=url')); },
    workerBlob: function () { return worker(new Worker(URL.createObjectURL(new Blob(['fetch("' + location.origin + '/ok.json").then(function (r) { return r.json() }).then(function (j) { postMessage("blob:" + j.ok) })'])))); },
    srcdoc: function () { var f = document.createElement('iframe'); f.srcdoc = '<p id="p">framed</p><script>parent.srcdocRan = true</scr' + 'ipt>'; document.body.appendChild(f); return loaded(f).then(function () { return f.contentDocument.getElementById('p').textContent + ':' + window.srcdocRan; }); },
    formPost: function () { var f = document.createElement('iframe'); f.name = 'formsink'; document.body.appendChild(f); var form = document.createElement('form'); form.method = 'POST'; form.action = '/echo'; form.target = 'formsink'; var i = document.createElement('input'); i.name = 'q'; i.value = 'v'; form.appendChild(i); document.body.appendChild(form); var done = loaded(f); form.submit(); return done.then(function () { return f.contentDocument.body.textContent; }); },
    canonicalLink: function () { var l = document.createElement('link'); l.rel = 'canonical'; l.href = 'https://www.clinic.example/'; document.head.appendChild(l); return l.href; },
    // Guard v2: what the guard now wraps must keep working for the page's own URLs.
    workerData: function () { return worker(new Worker('data:text/javascript,' + encodeURIComponent('postMessage("data:" + typeof fetch)'))); },
    execCommandImage: function () {
      var d = document.createElement('div'); d.contentEditable = 'true'; d.textContent = 'x'; document.body.appendChild(d);
      var r = document.createRange(); r.selectNodeContents(d); getSelection().removeAllRanges(); getSelection().addRange(r);
      document.execCommand('insertImage', false, '/ok.png?exec');
      var img = d.querySelector('img');
      return img ? (img.complete && img.naturalWidth ? Promise.resolve('load') : loaded(img)) : 'no image';
    },
    sanitizedHtml: function () { var d = document.createElement('div'); document.body.appendChild(d); d.setHTML('<img id="sanitized" src="/ok.png?sanitized">', { sanitizer: { elements: ['img'], attributes: ['id', 'src'] } }); return loaded(document.getElementById('sanitized')); },
    xslt: function () {
      var xsl = new DOMParser().parseFromString('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="html"/><xsl:template match="/"><img id="xslt" src="/ok.png?xslt"/></xsl:template></xsl:stylesheet>', 'application/xml');
      var p = new XSLTProcessor(); p.importStylesheet(xsl);
      var fragment = p.transformToFragment(new DOMParser().parseFromString('<x/>', 'application/xml'), document);
      document.body.appendChild(fragment);
      var img = document.getElementById('xslt');
      return img.complete && img.naturalWidth ? 'load' : loaded(img);
    },
    svgFrame: function () { var f = document.createElement('iframe'); f.src = '/doc.svg'; document.body.appendChild(f); return loaded(f).then(function () { return f.getSVGDocument().documentElement.localName; }); },
    speculationRules: function () { var s = document.createElement('script'); s.type = 'speculationrules'; s.textContent = JSON.stringify({ prefetch: [{ source: 'list', urls: ['/ok.json?prefetch'] }] }); document.head.appendChild(s); return s.type; },
    mediaSource: function () { var ms = new MediaSource(); var v = document.createElement('video'); document.body.appendChild(v); return new Promise(function (r) { ms.addEventListener('sourceopen', function () { r(ms.readyState); }); v.src = URL.createObjectURL(ms); }); },
    outboundLink: function () { var a = document.createElement('a'); a.href = 'https://www.clinic.example/about'; document.body.appendChild(a); return a.href; },
  };
  var names = Object.keys(checks);
  window.firstPartyResults = Promise.all(names.map(function (n) {
    return Promise.resolve().then(checks[n]).then(function (v) { return [n, v]; }, function (e) { return [n, 'threw ' + e]; });
  })).then(function (pairs) { var out = {}; pairs.forEach(function (p) { out[p[0]] = p[1]; }); return out; });
})();
