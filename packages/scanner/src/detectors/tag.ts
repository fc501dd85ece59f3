/**
 * The Palisade tag: present, and the first script in `<head>` as the server sent the page.
 * The guard stops only what runs after it, so a script before it can load pixels unguarded.
 */
import type { FindingDraft } from '../findings.js';
import type { PageRecord } from '../types.js';

const isTag = (s: { src?: string; writeKey?: boolean }) => s.writeKey === true || (s.src !== undefined && /(^|\/)palisade(\.[\w-]{1,64})?\.js(\?|$)/.test(s.src));

export function tagFindings(page: PageRecord): FindingDraft[] {
  if (page.error || page.status === undefined || page.status >= 400) return [];
  const index = page.headScripts.findIndex(isTag);
  if (index === 0) return [];
  const evidence = { page: page.url, consent: page.consent, detail: `scripts in <head>: ${page.headScripts.map((s) => s.src ?? 'inline').join(', ') || 'none'}` };
  if (index < 0) {
    return [
      {
        kind: 'tag-missing',
        severity: 'high',
        title: 'Page without the Palisade tag',
        template: page.template,
        why: 'Without the tag nothing on this page blocks third-party pixels, and its events do not reach the relay.',
        fix: 'Add <script src="/palisade.js" data-write-key="..."></script> as the first element of <head> (every page template).',
        evidence,
      },
    ];
  }
  return [
    {
      kind: 'tag-not-first',
      severity: 'high',
      title: `Palisade tag is script ${index + 1} in <head>, not the first`,
      template: page.template,
      why: 'Scripts before the tag run unguarded: whatever they load or send reaches third parties before the guard starts.',
      fix: 'Move the Palisade script tag to the top of <head>, before any other script.',
      evidence,
    },
  ];
}
