// A same-origin worker script: requests the URL in its own query string, by two means.
var u = new URL(location.href).searchParams.get('u');
fetch(u).catch(function () {});
var x = new XMLHttpRequest(); x.open('GET', u + '-xhr'); x.send();
