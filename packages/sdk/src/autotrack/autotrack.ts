/**
 * Autotrack: pageviews (load and SPA navigation), clicks on interactive elements, form submits
 * and field changes. Element descriptions only: no field value is ever read.
 */
import type { Palisade } from '../types.js';
import { elementChain } from './element-chain.js';
import { isIgnored, isSensitiveField, safeText } from './sensitive.js';

const CLICKABLE = 'a,button,[role=button],input[type=submit],input[type=button],input[type=reset],label,[data-palisade-event]';
const FIELDS = 'input,select,textarea';

function trackPageviews(palisade: Palisade): void {
  let last = location.pathname;
  const changed = () => {
    if (location.pathname === last) return;
    last = location.pathname;
    palisade.page();
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      changed();
      return result;
    };
  }
  addEventListener('popstate', changed);
  palisade.page();
}

function fieldNames(form: HTMLFormElement): string[] {
  return [...form.querySelectorAll(FIELDS)]
    .filter((f) => !isSensitiveField(f) && !isIgnored(f))
    .map((f) => f.getAttribute('name') ?? f.id)
    .filter((n, i, all) => n && all.indexOf(n) === i) // named once, in order
    .slice(0, 50);
}

export function autotrack(palisade: Palisade): void {
  trackPageviews(palisade);
  document.addEventListener(
    'click',
    (e) => {
      const target = (e.target as Element | null)?.closest?.(CLICKABLE);
      if (!target || isIgnored(target)) return;
      if (target.matches(FIELDS) && isSensitiveField(target)) return;
      const properties: Record<string, unknown> = { $elements: elementChain(target) };
      if (target.matches('a,button,[role=button]')) {
        const text = safeText(target);
        if (text) properties.$text = text;
      }
      const name = target.getAttribute('data-palisade-event');
      if (name) properties.$event = name;
      palisade.track('$click', properties);
    },
    true,
  );
  document.addEventListener(
    'submit',
    (e) => {
      const form = e.target as HTMLFormElement;
      if (!(form instanceof HTMLFormElement) || isIgnored(form)) return;
      palisade.track('$submit', { $elements: elementChain(form), $fields: fieldNames(form) });
    },
    true,
  );
  document.addEventListener(
    'change',
    (e) => {
      const field = e.target as Element;
      if (!field.matches?.(FIELDS) || isIgnored(field) || isSensitiveField(field)) return;
      palisade.track('$change', { $elements: elementChain(field) });
    },
    true,
  );
}
