/**
 * Consent categories travel on every event; the relay drops events for destinations whose
 * category is not granted. Global Privacy Control denies advertising whatever else is set.
 */
import type { Category, ConsentState } from './types.js';

const KEY = 'palisade_consent';

export class Consent {
  #state: ConsentState;
  readonly #gpc: boolean;

  constructor(defaults: Category[] = []) {
    this.#gpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
    let saved: Partial<ConsentState> = {};
    try {
      saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ConsentState>;
    } catch {
      // No storage or a damaged value: defaults apply.
    }
    const has = (c: Category) => saved[c] ?? defaults.includes(c);
    this.#state = { analytics: has('analytics'), advertising: has('advertising'), functional: has('functional') };
  }

  get(): ConsentState {
    return { ...this.#state, advertising: this.#state.advertising && !this.#gpc };
  }

  set(update: Partial<ConsentState>): void {
    for (const c of ['analytics', 'advertising', 'functional'] as const) {
      if (typeof update[c] === 'boolean') this.#state[c] = update[c]!;
    }
    try {
      localStorage.setItem(KEY, JSON.stringify(this.#state));
    } catch {
      // Not persisted: applies to this page only.
    }
  }
}
