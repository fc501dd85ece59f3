/** Test helpers: a stand-in for the relay on the other side of fetch, recording every request. */
import { vi } from 'vitest';
import type { WireMessage } from './types.js';

export interface Sent {
  url: string;
  init: RequestInit;
  body: { batch: WireMessage[]; writeKey: string; sentAt: string };
}

/** Answers with the given statuses in turn (then 200); 'network' throws like a failed fetch. */
export function relayStandIn(script: Array<number | 'network'> = []) {
  const sent: Sent[] = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    sent.push({ url, init, body: JSON.parse(String(init.body)) });
    const next = script.shift() ?? 200;
    if (next === 'network') throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify({ accepted: 1, rejected: [] }), { status: next });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { sent, fetchMock, messages: () => sent.flatMap((s) => s.body.batch) };
}

export function resetBrowserState(): void {
  localStorage.clear();
  for (const c of document.cookie.split('; ')) document.cookie = `${c.split('=')[0]}=; Max-Age=0; Path=/`;
  document.body.innerHTML = '';
  history.replaceState(null, '', '/');
}
