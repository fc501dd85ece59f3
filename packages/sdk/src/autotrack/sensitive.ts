/**
 * What autotrack must never capture (after PostHog's autocapture-utils, stricter): any field
 * value; fields that look like passwords, card numbers, SSNs or dates of birth; anything inside
 * [data-palisade-ignore]; text inside [data-palisade-private]; and text that looks like an email,
 * phone, SSN or card number, even on a button.
 */
const SENSITIVE_FIELD = /pass|pwd|secret|token|card|cc-|cc_|ccnum|cvc|cvv|csc|expir|ssn|social|birth|dob|bday/i;
const SENSITIVE_TYPE = /^(password|hidden)$/i;
const PII_TEXT = /[^\s@]+@[^\s@]+\.[a-z]{2,}|\b\d{3}-\d{2}-\d{4}\b|\(?(?:\+?\d[\s.()-]*){9,}\d/gi;

export function isIgnored(el: Element): boolean {
  return el.closest('[data-palisade-ignore]') !== null;
}

export function isSensitiveField(el: Element): boolean {
  return SENSITIVE_TYPE.test(el.getAttribute('type') ?? '') || SENSITIVE_FIELD.test([el.getAttribute('name'), el.id, el.getAttribute('autocomplete')].join(' '));
}

/** Removes email-, phone-, SSN- and card-like runs; collapses whitespace. */
export function scrubText(text: string): string {
  return text.replace(PII_TEXT, '').replace(/\s+/g, ' ').trim();
}

/** The visible text of a link or button, without [data-palisade-private] parts, at most 100 chars. */
export function safeText(el: Element): string {
  let text = '';
  const walk = (node: Node) => {
    if (node.nodeType === 3) text += node.textContent ?? '';
    else if (node.nodeType === 1 && !(node as Element).hasAttribute('data-palisade-private')) node.childNodes.forEach(walk);
  };
  walk(el);
  return scrubText(text).slice(0, 100);
}
