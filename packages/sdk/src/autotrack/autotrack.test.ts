// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPalisade } from '../palisade.js';
import { memoryStore } from '../queue-store.js';
import { relayStandIn, resetBrowserState } from '../sdk.fixture.js';
import { elementChain } from './element-chain.js';
import { isSensitiveField, safeText, scrubText } from './sensitive.js';

beforeEach(() => resetBrowserState());
afterEach(() => vi.unstubAllGlobals());

const CANARIES = ['jane.canary@example.com', '078-05-1120', '(555) 010-4477', '4111 1111 1111 1111', '1961-04-12', 'Janet Canaryworth'];

async function events(run: () => void) {
  const relay = relayStandIn();
  const p = createPalisade({ writeKey: 'pk_test_0123456789', flushInterval: 60_000 }, memoryStore());
  run();
  await p.flush();
  return relay.messages().map((m) => m as unknown as { type: string; event?: string; properties: Record<string, unknown>; context: { page: { path: string } } });
}

describe('autotrack', () => {
  it('tracks the first pageview and SPA navigation by path', async () => {
    const got = await events(() => {
      history.pushState({}, '', '/find-a-doctor');
      history.pushState({}, '', '/find-a-doctor#map');
      history.replaceState({}, '', '/book');
      history.pushState({}, '', '/');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    expect(got.filter((m) => m.type === 'page').map((m) => m.context.page.path)).toEqual(['/', '/find-a-doctor', '/book', '/']);
  });

  it('describes clicked elements as a scrubbed chain with safe visible text', async () => {
    document.body.innerHTML = `
      <main id="content"><form id="appointment" class="card">
        <button id="book" class="btn primary" type="submit" data-palisade-event="Book Clicked">Book for jane.canary@example.com</button>
        <a id="patient-48213" href="/patients/48213/chart?email=x#top" class="link">View <span data-palisade-private>Janet Canaryworth</span> chart</a>
      </form></main>`;
    const got = await events(() => {
      (document.querySelector('#book') as HTMLElement).click();
      (document.querySelector('a') as HTMLElement).click();
    });
    const clicks = got.filter((m) => m.event === '$click');
    expect(clicks[0]!.properties).toEqual({
      $elements:
        'button#book.btn.primary:nth-of-type(1)[type=submit][data-palisade-event=BookClicked] < form#appointment.card:nth-of-type(1) < main#content:nth-of-type(1) < body:nth-of-type(1)',
      $text: 'Book for',
      $event: 'Book Clicked',
    });
    expect(clicks[1]!.properties.$elements).toMatch(/^a\.link:nth-of-type\(1\)\[href=\/patients\/:id\/chart\]/);
    expect(clicks[1]!.properties.$text).toBe('View chart');
  });

  it('never reads a field value, and skips sensitive fields and ignored areas entirely', async () => {
    document.body.innerHTML = `
      <form id="f">
        <input name="first_name" value="">
        <input name="email" type="email">
        <input name="dob" type="date">
        <input name="password" type="password">
        <input name="cc-number" autocomplete="cc-number">
        <select name="reason"><option>anxiety</option><option>depression</option></select>
        <textarea name="notes"></textarea>
        <div data-palisade-ignore><input name="secret_question"></div>
        <button type="submit">Send</button>
      </form>`;
    const form = document.querySelector('form')!;
    form.addEventListener('submit', (e) => e.preventDefault());
    const got = await events(() => {
      const fields = Array.from(form.querySelectorAll('input, textarea, select')) as HTMLInputElement[];
      fields.forEach((f, i) => {
        if (f instanceof HTMLSelectElement) f.selectedIndex = 1;
        else f.value = CANARIES[i % CANARIES.length]!;
        f.dispatchEvent(new Event('change', { bubbles: true }));
      });
      form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    const changes = got.filter((m) => m.event === '$change').map((m) => String(m.properties.$elements).split(' ')[0]);
    expect(changes).toEqual([
      'input:nth-of-type(1)[name=first_name]',
      'input:nth-of-type(2)[name=email][type=email]',
      'select:nth-of-type(1)[name=reason]',
      'textarea:nth-of-type(1)[name=notes]',
    ]);
    const submit = got.find((m) => m.event === '$submit')!;
    expect(submit.properties.$fields).toEqual(['first_name', 'email', 'reason', 'notes']);
    const everything = JSON.stringify(got);
    for (const canary of [...CANARIES, 'depression']) expect(everything).not.toContain(canary);
  });

  it('can be turned off', async () => {
    const relay = relayStandIn();
    const p = createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false }, memoryStore());
    document.body.innerHTML = '<button>x</button>';
    document.querySelector('button')!.click();
    await p.flush();
    expect(relay.messages()).toEqual([]);
  });
});

describe('sensitive-data rules', () => {
  it.each([
    ['<input type="password" name="x">', true],
    ['<input type="hidden" name="x">', true],
    ['<input name="ssn">', true],
    ['<input id="date_of_birth">', true],
    ['<input autocomplete="cc-exp">', true],
    ['<input name="patient_dob">', true],
    ['<input name="city">', false],
    ['<select name="clinic"></select>', false],
  ])('%s sensitive: %s', (html, sensitive) => {
    document.body.innerHTML = html;
    expect(isSensitiveField(document.body.firstElementChild!)).toBe(sensitive);
  });

  it('scrubs identifiers from text', () => {
    expect(scrubText('Call (555) 010-4477 or mail jane@x.org, SSN 078-05-1120, card 4111 1111 1111 1111')).toBe('Call or mail , SSN , card');
    document.body.innerHTML = `<button>${'Book now '.repeat(20)}</button>`;
    expect(safeText(document.querySelector('button')!)).toHaveLength(100);
  });

  it('leaves identifier-like ids and classes out of chains', () => {
    document.body.innerHTML = '<div id="row-20931" class="patient-48213 ok"><span class="jane@x.org">x</span></div>';
    expect(elementChain(document.querySelector('span')!)).toBe('span:nth-of-type(1) < div.ok:nth-of-type(1) < body:nth-of-type(1)');
  });
});
