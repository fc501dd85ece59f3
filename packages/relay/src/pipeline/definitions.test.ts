/**
 * Definitions matched on element chains recorded from the demo site (Chromium, `palisade start`,
 * read back through `POST /admin/definitions/test`).
 */
import { describe, expect, it } from 'vitest';
import { definitionsSchema, type Message } from '@palisade/schema';
import { compileDefinitions, Glob, MAX_NAMED_EVENTS, matchingDefinitions, withDefinitions } from './definitions.js';
import { parseChain } from './element-chain.js';

const CHAINS = {
  headerBook: 'a:nth-of-type(4)[href=/book.html] < div.bar:nth-of-type(1) < header:nth-of-type(1) < body:nth-of-type(1)',
  doctorBook: 'a.btn:nth-of-type(1)[href=/book.html] < p:nth-of-type(1) < main:nth-of-type(1) < body:nth-of-type(1)',
  consent: 'button#consent-allow-ads.btn:nth-of-type(1) < aside.consent-bar:nth-of-type(1) < body:nth-of-type(1)',
  submitButton: 'button#book-submit.btn:nth-of-type(1)[type=submit] < form#appointment.stack:nth-of-type(1) < main:nth-of-type(1) < body:nth-of-type(1)',
  form: 'form#appointment.stack:nth-of-type(1) < main:nth-of-type(1) < body:nth-of-type(1)',
  email: 'input:nth-of-type(1)[name=email][type=email] < label:nth-of-type(2) < form#appointment.stack:nth-of-type(1) < main:nth-of-type(1) < body:nth-of-type(1)',
  tab: 'button.btn:nth-of-type(2)[role=tab] < div.tabs:nth-of-type(1)[role=tablist] < main:nth-of-type(1) < body:nth-of-type(1)',
  maps: 'a:nth-of-type(1)[href=https://maps.google.com] < p:nth-of-type(2) < main:nth-of-type(1) < body:nth-of-type(1)',
};

function autotrack(event: '$click' | '$submit' | '$change', elements: string, extra: Record<string, unknown> = {}, path = '/book.html'): Message {
  return {
    type: 'track',
    event,
    messageId: 'm-1',
    anonymousId: 'anon-1',
    properties: { $elements: elements, ...extra },
    context: { page: { path, url: `https://clinic.example${path}?q=1` } },
  } as Message;
}

const compile = (definitions: unknown[]) => compileDefinitions(definitionsSchema.parse(definitions));
const names = (message: Message, definitions: unknown[]) => matchingDefinitions(message, compile(definitions));

describe('parseChain', () => {
  it('reads what autotrack writes, innermost first', () => {
    const [button, form] = parseChain(CHAINS.submitButton);
    expect(button).toMatchObject({ tag: 'button', id: 'book-submit', classes: ['btn'], nthOfType: 1 });
    expect(button!.attributes.get('type')).toBe('submit');
    expect(button!.attributes.get('class')).toBe('btn');
    expect(form).toMatchObject({ tag: 'form', id: 'appointment' });
    expect(parseChain(CHAINS.maps)[0]!.attributes.get('href')).toBe('https://maps.google.com');
  });

  it('reads nothing from what autotrack would not send', () => {
    expect(parseChain('')).toEqual([]);
    expect(parseChain(42)).toEqual([]);
    expect(parseChain('<script>')).toEqual([]);
    expect(parseChain('a[href')).toEqual([]);
    expect(parseChain(Array(13).fill('div').join(' < '))).toEqual([]);
    expect(parseChain(`a${'.x'.repeat(3000)}`)).toEqual([]);
  });
});

describe('selectors on recorded chains', () => {
  const click = (chain: string, selector: string) => names(autotrack('$click', chain), [{ name: 'N', on: 'click', selector }]).length === 1;

  it('tag, id, classes and attributes', () => {
    expect(click(CHAINS.submitButton, 'button')).toBe(true);
    expect(click(CHAINS.submitButton, '#book-submit')).toBe(true);
    expect(click(CHAINS.submitButton, 'button.btn[type=submit]')).toBe(true);
    expect(click(CHAINS.submitButton, 'button[type=button]')).toBe(false);
    expect(click(CHAINS.submitButton, 'a')).toBe(false);
    expect(click(CHAINS.doctorBook, 'a[href="/book.html"]')).toBe(true);
    expect(click(CHAINS.doctorBook, 'a[href^="/book"]')).toBe(true);
    expect(click(CHAINS.doctorBook, "a[href$='.html']")).toBe(true);
    expect(click(CHAINS.maps, 'a[href*="maps.google"]')).toBe(true);
    expect(click(CHAINS.tab, '[role=tab]')).toBe(true);
    expect(click(CHAINS.tab, '[class~=btn]')).toBe(true);
    expect(click(CHAINS.tab, '[class*=bt]')).toBe(true);
    expect(click(CHAINS.tab, '[id]')).toBe(false);
  });

  it('descendant and child combinators, :nth-of-type and alternatives', () => {
    expect(click(CHAINS.submitButton, 'form#appointment button')).toBe(true);
    expect(click(CHAINS.submitButton, 'form#appointment > button')).toBe(true);
    expect(click(CHAINS.submitButton, 'main > button')).toBe(false);
    expect(click(CHAINS.submitButton, 'body main form button')).toBe(true);
    expect(click(CHAINS.submitButton, 'form main button')).toBe(false);
    expect(click(CHAINS.headerBook, 'header a:nth-of-type(4)')).toBe(true);
    expect(click(CHAINS.headerBook, 'header a:nth-of-type(3)')).toBe(false);
    expect(click(CHAINS.doctorBook, 'header a, main a.btn')).toBe(true);
    expect(click(CHAINS.consent, 'aside.consent-bar > *')).toBe(true);
    // the same descendant compound at several depths still matches through the memo
    expect(click(CHAINS.email, 'body * * input')).toBe(true);
    expect(click(CHAINS.email, 'body * * * * input')).toBe(false);
  });

  it('compares ids, classes and names in the alphabet autotrack keeps', () => {
    // element-chain.ts keeps word characters and -; `name="first.name"` arrives as `firstname`.
    const chain = 'input:nth-of-type(1)[name=firstname] < form#contact:nth-of-type(1)';
    expect(names(autotrack('$change', chain), [{ name: 'N', on: 'change', selector: 'input[name="first.name"]' }])).toEqual(['N']);
  });
});

describe('matchingDefinitions', () => {
  it('matches on the trigger, text and url, case-insensitively', () => {
    const definitions = [
      { name: 'Book Clicked', on: 'click', selector: 'a[href="/book.html"]', text: 'book*' },
      { name: 'Header Book', on: 'click', selector: 'header a', url: '/find-*' },
      { name: 'Form Sent', on: 'submit', selector: 'form#appointment' },
    ];
    expect(names(autotrack('$click', CHAINS.doctorBook, { $text: 'Book an appointment' }, '/find-a-doctor.html'), definitions)).toEqual(['Book Clicked']);
    expect(names(autotrack('$click', CHAINS.headerBook, { $text: 'Book an appointment' }, '/find-a-doctor.html'), definitions)).toEqual(['Book Clicked', 'Header Book']);
    expect(names(autotrack('$click', CHAINS.headerBook, {}, '/'), definitions)).toEqual([]);
    expect(names(autotrack('$submit', CHAINS.form), definitions)).toEqual(['Form Sent']);
    // a submit is not a click, whatever the chain
    expect(names(autotrack('$click', CHAINS.form), definitions)).toEqual([]);
  });

  it('a url with a scheme matches origin and path, never the query', () => {
    const d = [{ name: 'Thanks', on: 'pageview', url: 'https://clinic.example/thank-you*' }];
    const page = (url: string) => ({ type: 'page', anonymousId: 'a', context: { page: { url } } }) as Message;
    expect(names(page('https://clinic.example/thank-you.html?x=1'), d)).toEqual(['Thanks']);
    expect(names(page('https://evil.example/thank-you.html'), d)).toEqual([]);
    expect(names(page('https://clinic.example/book?next=/thank-you'), d)).toEqual([]);
  });

  it('unless: any holding condition stops the definition (blocking triggers, negated filters)', () => {
    const d = [{ name: 'Lead', on: 'submit', selector: 'form', unless: [{ url: '/portal*' }, { selector: 'form#search' }] }];
    expect(names(autotrack('$submit', CHAINS.form, {}, '/book.html'), d)).toEqual(['Lead']);
    expect(names(autotrack('$submit', CHAINS.form, {}, '/portal/home'), d)).toEqual([]);
    expect(names(autotrack('$submit', 'form#search:nth-of-type(1) < main:nth-of-type(1)'), d)).toEqual([]);
  });

  it('on: event matches the allowlist name and property values; each name once per message', () => {
    const d = [
      { name: 'Contact Lead', on: 'event', event: 'dataLayer:form_submit', properties: { form_name: 'contact*', 'meta.step': '2' } },
      { name: 'Contact Lead', on: 'event', event: 'dataLayer:form_submit', properties: { form_name: '*' } },
    ];
    const push = (properties: Record<string, unknown>) => ({ type: 'track', event: 'form_submit', anonymousId: 'a', properties, context: { shim: 'dataLayer' } }) as Message;
    expect(names(push({ form_name: 'Contact-Us', meta: { step: 2 } }), d)).toEqual(['Contact Lead']);
    expect(names(push({ form_name: { toString: 'contact' } }), d.slice(0, 1))).toEqual([]);
    expect(names({ ...push({ form_name: 'contact' }), context: {} } as Message, d)).toEqual([]);
  });

  it('adds at most MAX_NAMED_EVENTS named events to one message, whatever the config', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `Click ${i}`, on: 'click', selector: 'a' }));
    expect(names(autotrack('$click', CHAINS.doctorBook), many)).toHaveLength(MAX_NAMED_EVENTS);
  });

  it('a message whose fields are not what autotrack sends matches nothing and throws nothing', () => {
    const d = [{ name: 'X', on: 'click', selector: 'a', text: 'a*', url: '/a*' }];
    for (const properties of [{ $elements: ['a'] }, { $elements: 'a', $text: 7 }, { $elements: '\u0000'.repeat(5000) }]) {
      expect(names({ type: 'track', event: '$click', anonymousId: 'a', properties, context: { page: { path: 7, url: 'not a url' } } } as unknown as Message, d)).toEqual([]);
    }
  });
});

describe('withDefinitions', () => {
  it('adds each named event after its source, as the site own track with a derived id', () => {
    const source = { ...autotrack('$click', CHAINS.doctorBook, { $text: 'Book' }), context: { page: { path: '/book.html' }, shim: undefined } } as Message;
    const out = withDefinitions([source], compile([{ name: 'Book Clicked', on: 'click', selector: 'a.btn' }]));
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(source);
    expect(out[1]).toMatchObject({
      type: 'track',
      event: 'Book Clicked',
      messageId: 'm-1~Book Clicked',
      anonymousId: 'anon-1',
      properties: { $elements: CHAINS.doctorBook, $text: 'Book' },
    });
    expect(out[1]!.context).not.toHaveProperty('shim');
    expect(withDefinitions([source], [])).toEqual([source]);
  });

  it('names a shim event as the site own event', () => {
    const push = { type: 'track', event: 'form_submit', messageId: 'm', anonymousId: 'a', properties: {}, context: { shim: 'dataLayer' } } as Message;
    const [, named] = withDefinitions([push], compile([{ name: 'Lead', on: 'event', event: 'dataLayer:form_submit' }]));
    expect(named).toMatchObject({ event: 'Lead', context: {} });
    expect(named!.context).not.toHaveProperty('shim');
  });
});

describe('Glob', () => {
  it('matches * runs case-insensitively, literally otherwise', () => {
    expect(new Glob('/book*').matches('/Book/new')).toBe(true);
    expect(new Glob('/book').matches('/book/new')).toBe(false);
    expect(new Glob('*a*b*').matches('xxaxxbxx')).toBe(true);
    expect(new Glob('*a*b*').matches('bxa')).toBe(false);
    expect(new Glob('ab*ba').matches('aba')).toBe(false);
    expect(new Glob('a.c').matches('abc')).toBe(false);
    expect(new Glob('*').matches('')).toBe(true);
    expect(new Glob('**x**').matches('x')).toBe(true);
  });
});
