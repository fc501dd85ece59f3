/**
 * What the server sent, before any script ran: the scripts of `<head>` in order and the text of
 * inline scripts. Read with single-pass patterns (no nesting, no backtracking across tags), so a
 * hostile page costs linear time.
 */
const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const SRC = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const WRITE_KEY = /\bdata-write-key\s*=/i;
const HEAD_END = /<\/head\s*>|<body\b/i;

export interface ServedHtml {
  headScripts: { src?: string; writeKey?: boolean }[];
  inline: string[];
}

export function readServedHtml(html: string): ServedHtml {
  const headEnd = html.search(HEAD_END);
  const headScripts: ServedHtml['headScripts'] = [];
  const inline: string[] = [];
  for (const m of html.matchAll(SCRIPT_TAG)) {
    const attributes = m[1] ?? '';
    const src = SRC.exec(attributes);
    const value = src ? (src[1] ?? src[2] ?? src[3]) : undefined;
    if (headEnd < 0 || (m.index ?? 0) < headEnd) headScripts.push({ ...(value !== undefined ? { src: value } : {}), ...(WRITE_KEY.test(attributes) ? { writeKey: true } : {}) });
    if (value === undefined && m[2]) inline.push(m[2]);
  }
  return { headScripts, inline };
}
