/**
 * HAR 1.2 evidence: every request the scan recorded, with the page and consent state it belongs
 * to and the findings it is evidence for (`_palisade`). Bodies are kept as recorded (64 KB cap);
 * responses carry the status only (0 when the browser stopped the request).
 */
import type { ScanResult } from '../types.js';

function queryOf(url: string): { name: string; value: string }[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

export function harReport(result: ScanResult, version: string): string {
  const evidenceOf = new Map<string, string[]>();
  for (const f of result.findings) {
    for (const e of f.evidence) {
      if (!e.request) continue;
      const key = `${e.consent} ${e.page} ${e.request.url}`;
      evidenceOf.set(key, [...(evidenceOf.get(key) ?? []), f.id]);
    }
  }
  const entries = result.pages.flatMap((page) =>
    page.requests.map((r) => ({
      startedDateTime: new Date(Date.parse(page.startedAt) + r.startedMs).toISOString(),
      time: 0,
      request: {
        method: r.method,
        url: r.url,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [],
        queryString: queryOf(r.url),
        ...(r.body !== undefined ? { postData: { mimeType: 'application/octet-stream', text: r.body } } : {}),
        headersSize: -1,
        bodySize: r.body?.length ?? 0,
      },
      response: {
        status: r.status ?? 0,
        statusText: r.failure ?? '',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [],
        content: { size: 0, mimeType: '' },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { send: 0, wait: 0, receive: 0 },
      _palisade: {
        page: page.url,
        consent: page.consent,
        realm: r.realm,
        realmUrl: r.realmUrl,
        initiators: r.initiators,
        resourceType: r.resourceType,
        findings: evidenceOf.get(`${page.consent} ${page.url} ${r.url}`) ?? [],
      },
    })),
  );
  return `${JSON.stringify({ log: { version: '1.2', creator: { name: 'palisade scan', version }, pages: [], entries } }, null, 2)}\n`;
}
