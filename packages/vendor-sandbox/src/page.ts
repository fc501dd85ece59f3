/** The sandbox's human view: what each vendor received, newest first. */
import type { Received } from './recorder.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function renderPage(items: Received[]): string {
  const rows = [...items]
    .reverse()
    .slice(0, 200)
    .map(
      (r) => `
    <tr>
      <td>${r.seq}</td><td>${escapeHtml(r.vendor)}</td><td>${escapeHtml(r.receivedAt)}</td><td><code>${escapeHtml(r.path)}</code></td>
      <td><pre>${escapeHtml(JSON.stringify(r.body, null, 2))}</pre></td>
      <td><pre>${escapeHtml(JSON.stringify(r.validation, null, 2))}</pre></td>
    </tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Palisade vendor sandbox</title>
<meta http-equiv="refresh" content="5">
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border-bottom: 1px solid #d0d7de; padding: .4rem; text-align: left; vertical-align: top; }
  pre { margin: 0; max-height: 22rem; overflow: auto; font-size: 12px; }
</style></head>
<body>
<h1>Vendor sandbox</h1>
<p>Stand-ins for vendor APIs. Everything below is what the relay sent, after de-identification.
JSON: <a href="/api/received">/api/received</a> (<code>?vendor=ga4</code>). This page refreshes every 5 seconds.</p>
<table><thead><tr><th>#</th><th>vendor</th><th>received</th><th>path</th><th>body</th><th>validation</th></tr></thead>
<tbody>${rows || '<tr><td colspan="6">Nothing received yet.</td></tr>'}</tbody></table>
</body></html>`;
}
