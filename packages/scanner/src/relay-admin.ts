/**
 * What the relay forwarded to each destination during the scan, read from its admin endpoint
 * (`GET /admin/forwarded?since=`, bearer token): the scan proves that nothing a visitor typed
 * reached a vendor server-side either.
 */
import type { CanaryHit } from './canaries.js';
import { ScannerError } from './errors.js';
import type { FindingDraft } from './findings.js';

export interface RelayAdmin {
  url: string;
  token: string;
}

interface Forwarded {
  destinations: { destination: string; messages: { at: string; body: string }[] }[];
}

export async function readRelayForwarded(admin: RelayAdmin, since: string) {
  let url: URL;
  try {
    url = new URL('/admin/forwarded', admin.url);
  } catch {
    throw new ScannerError(`--relay-admin is not a URL: ${admin.url}`);
  }
  url.searchParams.set('since', since);
  let data: Forwarded;
  try {
    // The relay delivers in the background: give the last events of the scan a moment to go out.
    await new Promise((r) => setTimeout(r, 1500));
    const response = await fetch(url, { headers: { authorization: `Bearer ${admin.token}` }, signal: AbortSignal.timeout(15_000) });
    if (response.status === 401) throw new Error('the relay refused the token');
    if (!response.ok) throw new Error(`the relay answered ${response.status}`);
    data = (await response.json()) as Forwarded;
  } catch (error) {
    throw new ScannerError(`cannot read what the relay forwarded (${url.origin}): ${(error as Error).message}`);
  }
  const destinations = Array.isArray(data.destinations) ? data.destinations : [];
  return {
    summary: destinations.map((d) => ({ destination: String(d.destination), messages: Array.isArray(d.messages) ? d.messages.length : 0 })),
    findings(find: (text: string) => CanaryHit[]): FindingDraft[] {
      const out: FindingDraft[] = [];
      for (const d of destinations) {
        for (const m of d.messages ?? []) {
          for (const hit of find(String(m.body ?? ''))) {
            out.push({
              kind: 'relay-canary-leak',
              severity: 'critical',
              title: `The relay forwarded the ${hit.canary.label} a visitor typed to ${d.destination}`,
              template: '(relay)',
              destination: d.destination,
              idExtra: `${hit.canary.label} ${hit.form}`,
              why: `The ${hit.canary.label} typed during the scan reached the ${d.destination} destination ${hit.form === 'plain' ? 'in clear' : `as ${hit.form}`}: its mapping or allowlist lets it through.`,
              fix: `Drop the property from the destination's allowlist or mark it mask in palisade.config.yaml, then run palisade config check.`,
              evidence: { page: url.origin, consent: 'granted', canary: { label: hit.canary.label, form: hit.form, where: 'body' }, detail: String(m.body).slice(0, 2048) },
            });
          }
        }
      }
      return out;
    },
  };
}
