/**
 * The async loader snippet: what a site pastes before `<script async src=".../palisade.js">`.
 * It defines `window.palisade` as a queue with the SDK's methods; each call is recorded as a
 * `StubEntry` (method, arguments, the page and the time of the call), and the script tag's entry
 * (script-tag.ts) replays them in order when it loads. Written for every browser the site
 * supports (ES5, no dependencies) and kept short, because it is pasted into pages.
 *
 * The README shows this exact text (a test checks it), and the browser tests load the SDK with it.
 */
import type { BufferedCall } from './palisade.js';

/** The calls the stub records; any other name is not a method until the SDK arrives. */
export const STUB_METHODS = ['track', 'identify', 'group', 'page', 'alias', 'reset'] as const;

/** One recorded call: `[method, args, page, timestamp]`. */
export type StubEntry = [method: string, args: unknown[], page?: BufferedCall['page'], timestamp?: string];

export const LOADER_SNIPPET = `!function(w,d){var p=w.palisade=w.palisade||[];if(typeof p.track==='function')return;
[${STUB_METHODS.map((m) => `'${m}'`).join(',')}].forEach(function(m){p[m]=function(){p.push([m,[].slice.call(arguments),
{url:location.href,path:location.pathname,referrer:d.referrer,title:d.title,search:location.search},new Date().toISOString()])}})}(window,document);`;
