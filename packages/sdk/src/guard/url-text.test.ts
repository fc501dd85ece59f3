/**
 * The guard's two small parsers of URL-bearing text: a meta refresh's content, and a data: URL
 * worker's script (which the guard runs inside its wrapper so that the CSP's script-src, which
 * refuses importScripts of data:, does not break the page's worker).
 */
import { describe, expect, it } from 'vitest';
import { refreshUrl } from './dom.js';
import { dataUrlText } from './workers.js';

describe('refreshUrl', () => {
  it.each([
    ['0;url=https://t.example/p', 'https://t.example/p'],
    ["5; URL='https://t.example/p?a=1' trailing", 'https://t.example/p?a=1'],
    ['3,"//t.example/x"', '//t.example/x'],
    ['0.5 url = https://t.example/', 'https://t.example/'],
    ['https://t.example/', 'https://t.example/'],
    ['0', undefined],
    ['  ', undefined],
  ])('%s', (content, url) => {
    expect(refreshUrl(content)).toBe(url);
  });
});

describe('dataUrlText', () => {
  it('decodes percent-encoded and base64 scripts, and nothing else', () => {
    expect(dataUrlText(`data:text/javascript,${encodeURIComponent('postMessage("é")')}`)).toBe('postMessage("é")');
    expect(dataUrlText(`data:text/javascript;base64,${Buffer.from('postMessage("é")').toString('base64')}`)).toBe('postMessage("é")');
    expect(dataUrlText('data:,x%ZZ')).toBeUndefined(); // malformed: left to the browser
    expect(dataUrlText('blob:https://site.example/1')).toBeUndefined();
    expect(dataUrlText('https://site.example/w.js')).toBeUndefined();
  });
});
