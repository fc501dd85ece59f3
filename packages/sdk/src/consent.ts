/**
 * Consent categories travel on every event; the relay drops events for destinations whose
 * category is not granted. Global Privacy Control denies advertising and authorization whatever
 * else is set, and travels too (the relay applies it again). `authorization` is never defaulted.
 */
import type { Category, ConsentState } from './types.js';

const KEY = 'palisade_consent';
const CATEGORIES: Category[] = ['analytics', 'advertising', 'functional', 'authorization'];

export interface Consent {
  get(): ConsentState;
  set(update: Partial<ConsentState>): void;
  /** Global Privacy Control is on. */
  gpc: boolean;
}

export function consent(defaults: Category[] = []): Consent {
  const gpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  let saved: Partial<ConsentState> = {};
  try {
    saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ConsentState>;
  } catch {
    // No storage or a damaged value: defaults apply.
  }
  const state = Object.fromEntries(CATEGORIES.map((c) => [c, saved[c] ?? (c !== 'authorization' && defaults.includes(c))])) as ConsentState;
  return {
    gpc,
    get: () => ({ ...state, advertising: state.advertising && !gpc, authorization: state.authorization && !gpc }),
    set(update) {
      for (const c of CATEGORIES) {
        if (typeof update[c] === 'boolean') state[c] = update[c]!;
      }
      try {
        localStorage.setItem(KEY, JSON.stringify(state));
      } catch {
        // Not persisted: applies to this page only.
      }
    },
  };
}
