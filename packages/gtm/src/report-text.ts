/**
 * The migration report for people: Markdown (for a pull request or a ticket) and a self-contained
 * HTML page. Both say the same, in the order a marketer needs it: what needs attention first
 * (critical PHI findings, tags to review), then every tag, parameter and trigger with why.
 * Every value from the container is escaped: tag names are whatever someone typed into GTM.
 */
import { withoutControls } from './parameters.js';
import type { MigrationReport, TagOutcome } from './report-model.js';

const STATUS_WORDS: Record<TagOutcome['status'], string> = { kept: 'kept', changed: 'changed', dropped: 'dropped', review: 'to review' };

/** Markdown table cells: no pipes, no line breaks, no HTML. */
function md(text: string): string {
  return withoutControls(text)
    .replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`)
    .trim();
}

function summary(r: MigrationReport): string {
  const c = r.counts;
  return `${r.tags.length} tags: ${c.kept} kept, ${c.changed} changed, ${c.dropped} dropped, ${c.review} to review; ${r.critical.length} critical PHI finding${r.critical.length === 1 ? '' : 's'}.`;
}

export function reportMarkdown(r: MigrationReport): string {
  const out: string[] = [];
  const k = r.container;
  out.push(`# GTM migration report: ${md(k.id)}${k.name ? ` (${md(k.name)})` : ''}`, '');
  out.push(
    `Container version ${md(k.version || 'unknown')}, exported ${md(k.exportTime || 'at an unknown time')}: ${k.tags} tags, ${k.triggers} triggers, ${k.variables} variables.`,
    '',
  );
  out.push(`**${summary(r)}**`, '');
  out.push(
    'Every destination runs server-side in HIPAA mode: the relay masks ids with a key only it holds, reduces URLs, IP addresses and user agents, and sends only the events and parameters allowed below.',
    '',
  );
  out.push('## Critical: PHI the container sent', '');
  if (r.critical.length === 0) out.push('None found.', '');
  else {
    out.push('| GTM tag | What | Why |', '| --- | --- | --- |');
    for (const f of r.critical) out.push(`| ${md(f.tag)} | ${md(f.what)} | ${md(f.why)} |`);
    out.push('');
  }
  out.push('## Tags', '', '| GTM tag | Kind | Vendor | Status | Destination | Sends | Triggers | Notes |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  const order: TagOutcome['status'][] = ['review', 'changed', 'kept', 'dropped'];
  for (const t of [...r.tags].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))) {
    const notes = [...t.notes, ...(t.wouldSend.length > 0 ? [`would send: ${t.wouldSend.join(', ')}`] : [])];
    out.push(
      `| ${md(t.tag)} | ${md(t.kind)} | ${md(t.vendor)} | ${STATUS_WORDS[t.status]} | ${md(t.destination ?? '')} | ${md(t.events.join(', '))} | ${md(t.triggers.join(', '))} | ${md(notes.join('; '))} |`,
    );
  }
  out.push(
    '',
    '## Parameters',
    '',
    'Each parameter a migrated tag sent. **mask**: the vendor gets an HMAC of the value (it can count and join, not read); **drop**: not sent; **allow**: sent as it is (known to be safe); **constant**: a fixed value from the container.',
    '',
  );
  out.push('| GTM tag | Parameter | From | Now | Why |', '| --- | --- | --- | --- | --- |');
  for (const p of r.parameters) out.push(`| ${md(p.tag)} | ${md(p.parameter)} | ${md(p.from)} | ${p.verdict} | ${md(p.why)} |`);
  out.push('', '## Triggers', '', '| GTM trigger | Type | Status | Became | Notes |', '| --- | --- | --- | --- | --- |');
  for (const t of r.triggers) out.push(`| ${md(t.trigger)} | ${md(t.type)} | ${t.status} | ${md(t.became.join('; '))} | ${md(t.notes.join('; '))} |`);
  out.push('', '## Environment variables to set', '', '| Name | Holds |', '| --- | --- |');
  for (const e of r.env) out.push(`| ${md(e.name)} | ${md(e.holds)} |`);
  out.push('', '## Next steps', '');
  for (const [i, step] of r.nextSteps.entries()) out.push(`${i + 1}. ${step}`);
  return `${out.join('\n')}\n`;
}

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${html(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}

const cell = (text: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${html(text)}</td>`;

export function reportHtml(r: MigrationReport): string {
  const k = r.container;
  const order: TagOutcome['status'][] = ['review', 'changed', 'kept', 'dropped'];
  const tags = [...r.tags]
    .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
    .map((t) => [
      cell(t.tag),
      cell(t.kind),
      cell(t.vendor),
      `<td><span class="chip ${t.status}">${STATUS_WORDS[t.status]}</span></td>`,
      cell(t.destination ?? ''),
      cell(t.events.join(', ')),
      cell(t.triggers.join(', ')),
      `<td>${t.notes.map((n) => `<div>${html(n)}</div>`).join('')}${t.wouldSend.length > 0 ? `<div class="would">Would send: ${html(t.wouldSend.join(', '))}</div>` : ''}</td>`,
    ]);
  const body = [
    `<h1>GTM migration report: ${html(k.id)}${k.name ? ` <small>${html(k.name)}</small>` : ''}</h1>`,
    `<p>Container version ${html(k.version || 'unknown')}, exported ${html(k.exportTime || 'at an unknown time')}: ${k.tags} tags, ${k.triggers} triggers, ${k.variables} variables.</p>`,
    `<p class="summary">${html(summary(r))}</p>`,
    '<p>Every destination runs server-side in HIPAA mode: the relay masks ids with a key only it holds, reduces URLs, IP addresses and user agents, and sends only the events and parameters allowed below.</p>',
    '<h2>Critical: PHI the container sent</h2>',
    r.critical.length === 0
      ? '<p>None found.</p>'
      : table(
          ['GTM tag', 'What', 'Why'],
          r.critical.map((f) => [cell(f.tag), cell(f.what, 'critical'), cell(f.why)]),
        ),
    '<h2>Tags</h2>',
    table(['GTM tag', 'Kind', 'Vendor', 'Status', 'Destination', 'Sends', 'Triggers', 'Notes'], tags),
    '<h2>Parameters</h2>',
    '<p><b>mask</b>: the vendor gets an HMAC of the value (it can count and join, not read); <b>drop</b>: not sent; <b>allow</b>: sent as it is (known to be safe); <b>constant</b>: a fixed value from the container.</p>',
    table(
      ['GTM tag', 'Parameter', 'From', 'Now', 'Why'],
      r.parameters.map((p) => [cell(p.tag), cell(p.parameter), cell(p.from), `<td><span class="chip ${p.verdict}">${p.verdict}</span></td>`, cell(p.why)]),
    ),
    '<h2>Triggers</h2>',
    table(
      ['GTM trigger', 'Type', 'Status', 'Became', 'Notes'],
      r.triggers.map((t) => [cell(t.trigger), cell(t.type), cell(t.status), cell(t.became.join('; ')), cell(t.notes.join('; '))]),
    ),
    '<h2>Environment variables to set</h2>',
    table(
      ['Name', 'Holds'],
      r.env.map((e) => [`<td><code>${html(e.name)}</code></td>`, cell(e.holds)]),
    ),
    '<h2>Next steps</h2>',
    `<ol>${r.nextSteps.map((s) => `<li>${html(s)}</li>`).join('')}</ol>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GTM migration report: ${html(k.id)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2330;max-width:1400px}
h1 small{font-weight:normal;color:#5b6475}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #d8dce4;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f9}.summary{font-weight:600;font-size:1.05rem}.critical{color:#a01818;font-weight:600}.would{color:#5b6475;margin-top:.25rem}
.chip{display:inline-block;border-radius:.7rem;padding:0 .5rem;font-size:.85em;white-space:nowrap}
.kept,.allow,.constant{background:#dff3e4}.changed,.mask{background:#fff1c9}.dropped,.drop{background:#f1f1f1}.review{background:#fde0e0}
</style></head><body>
${body}
</body></html>
`;
}
