import type { CanaryHit } from '../canaries.js';
import type { ConsentCategory } from '../types.js';

/** What every detector knows about the scan: whose origins are whose, and the canary search. */
export interface DetectorContext {
  /** The site's own origins (those of the start URLs). */
  siteOrigins: ReadonlySet<string>;
  /** The Palisade relay's origins (sending to it is the point). */
  relayOrigins: ReadonlySet<string>;
  /** Origins the site allows, each with the consent category it needs (or none). */
  allowOrigins: ReadonlyMap<string, ConsentCategory | undefined>;
  findCanaries: (text: string) => CanaryHit[];
}
