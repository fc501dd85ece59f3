/**
 * What the server sent, before any script ran: the scripts of `<head>` in order and the text of
 * inline scripts. Read with `indexOf` in one pass (each search starts where the last ended), so a
 * hostile page (a thousand unclosed `<script` tags) costs linear time; a regular expression with a
 * lazy body would rescan the rest of the page from every opening tag.
 */
const SRC = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const WRITE_KEY = /\bdata-write-key\s*=/i;
const HEAD_END = /<\/head\s*>|<body\b/i;
/** Attributes longer than this are not read (a real script tag's are far shorter). */
const MAX_ATTRIBUTES = 4096;

export interface ServedHtml {
  headScripts: { src?: string; writeKey?: boolean }[];
  inline: string[];
}

export function readServedHtml(html: string): ServedHtml {
  // ASCII-only lower case keeps every index the same in both strings ('İ'.toLowerCase() is two characters).
  const lower = html.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  const headEnd = html.search(HEAD_END);
  const headScripts: ServedHtml['headScripts'] = [];
  const inline: string[] = [];
  let pos = 0;
  for (;;) {
    const open = lower.indexOf('<script', pos);
    if (open < 0) break;
    const next = lower.charAt(open + 7);
    if (next !== '>' && next !== '/' && next.trim() !== '') {
      pos = open + 7; // <scripts>, <script-x>: not a script tag
      continue;
    }
    const tagEnd = lower.indexOf('>', open);
    if (tagEnd < 0) break;
    const close = lower.indexOf('</script', tagEnd);
    const attributes = html.slice(open + 7, tagEnd).slice(0, MAX_ATTRIBUTES);
    const body = html.slice(tagEnd + 1, close < 0 ? html.length : close);
    const src = SRC.exec(attributes);
    const value = src ? (src[1] ?? src[2] ?? src[3]) : undefined;
    if (headEnd < 0 || open < headEnd) headScripts.push({ ...(value !== undefined ? { src: value } : {}), ...(WRITE_KEY.test(attributes) ? { writeKey: true } : {}) });
    if (value === undefined && body.trim() !== '') inline.push(body);
    if (close < 0) break;
    pos = close + 8;
  }
  return { headScripts, inline };
}
