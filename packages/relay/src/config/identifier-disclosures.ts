/**
 * Identifier opt-ins in plain words: what each destination will receive beyond masked ids, for
 * the compliance reader of `palisade config check`, and the opt-ins a vendor cannot use (a
 * config error: an opt-in that silently does nothing would mislead the reader).
 */
import type { PalisadeConfig, Problem } from '@palisade/schema';
import { connectorFor } from '../destinations/registry.js';

export function identifierDisclosures(config: PalisadeConfig): { notices: string[]; problems: Problem[] } {
  const notices: string[] = [];
  const problems: Problem[] = [];
  config.destinations.forEach((d, i) => {
    const connector = connectorFor(d.type);
    const support = connector.identifiers;
    const who = `${connector.label} (${d.id})`;
    // An ad platform is advertising: the visitor's advertising choice and GPC must apply to it.
    if (support !== undefined && d.consent !== 'advertising') {
      problems.push({
        path: `destinations[${i}].consent`,
        message: `${connector.label} is an ad platform: use consent: advertising, so that the visitor's advertising choice and GPC apply`,
      });
    }
    if (d.identifiers.clickIds === 'with-authorization') {
      if (support === undefined || support.clickIds.length === 0) {
        problems.push({ path: `destinations[${i}].identifiers.clickIds`, message: `${connector.label} takes no click ids; remove this opt-in` });
      } else {
        notices.push(
          `${who} will receive its click ids (${support.clickIds.join(', ')}) for events with a patient authorization: the vendor ties a click id to the person who clicked its ad, so such an event is not de-identified data.`,
        );
      }
    }
    if (d.identifiers.contactHashes === 'with-authorization') {
      const kinds = [support?.email ? 'email' : '', support?.phone ? 'phone' : ''].filter(Boolean);
      if (kinds.length === 0) {
        problems.push({ path: `destinations[${i}].identifiers.contactHashes`, message: `${connector.label} takes no contact hashes; remove this opt-in` });
      } else {
        notices.push(
          `${who} will receive hashed ${kinds.join(' and ')} for events with a patient authorization: this is not de-identified data (an unsalted SHA-256 of an email or phone number identifies the person).`,
        );
      }
    }
  });
  return { notices, problems };
}
