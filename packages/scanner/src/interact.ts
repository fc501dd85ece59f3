/**
 * Acts like a visitor on a loaded page: scrolls to the bottom, clicks a bounded number of buttons
 * and links (links are clicked for their handlers; the navigation itself is cancelled, the crawler
 * visits them), and fills every form with canaries, then submits the first one.
 */
import type { Page } from 'playwright-core';
import type { CanaryKind, CanarySet } from './canaries.js';

/** Which canary an input gets, from its type, name, id, autocomplete and label. */
export function canaryFor(field: { tag: string; type: string; hint: string }): CanaryKind | undefined {
  const { tag, type } = field;
  const hint = field.hint.toLowerCase();
  if (tag === 'textarea') return 'symptoms';
  if (['hidden', 'submit', 'button', 'reset', 'image', 'file', 'password', 'checkbox', 'radio', 'range', 'color'].includes(type)) return undefined;
  if (type === 'email' || hint.includes('email')) return 'email';
  if (type === 'tel' || /phone|mobile|\btel\b/.test(hint)) return 'phone';
  if (/birth|dob|bday/.test(hint)) return 'date-of-birth';
  if (type === 'date') return 'date-of-birth';
  if (/ssn|social.?security/.test(hint)) return 'ssn';
  if (/mrn|medical.?record|member|patient.?id|insurance/.test(hint)) return 'mrn';
  if (/zip|postal/.test(hint)) return 'zip';
  if (/address|street/.test(hint)) return 'address';
  if (/last|family|surname/.test(hint)) return 'last-name';
  if (/name|first|given|user/.test(hint)) return 'first-name';
  return 'symptoms';
}

export interface InteractOptions {
  clicks: number;
  forms: boolean;
}

/** Runs in the page: describes each fillable field of each form (up to 3 forms). */
function describeForms() {
  const forms = [...document.forms].slice(0, 3);
  return forms.map((form, f) =>
    [...form.elements].flatMap((el, i) => {
      if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) return [];
      const label = el.labels?.[0]?.textContent ?? '';
      const hint = [el.name, el.id, el.getAttribute('autocomplete') ?? '', el.getAttribute('placeholder') ?? '', label].join(' ');
      return [{ form: f, index: i, tag: el.tagName.toLowerCase(), type: (el.getAttribute('type') ?? 'text').toLowerCase(), hint }];
    }),
  );
}

export async function interact(page: Page, canaries: CanarySet, options: InteractOptions): Promise<number> {
  // At most 40 screens: an infinite-scroll page (or one that lies about its height) ends too.
  await page.evaluate(async () => {
    for (let y = 0, steps = 0; y < document.body.scrollHeight && steps < 40; y += 600, steps++) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  await clickAround(page, options.clicks);
  if (!options.forms) return 0;
  const forms = await page.evaluate(describeForms).catch(() => []);
  if (forms.length === 0) return 0;
  let phones = 0;
  const values = forms.map((fields) =>
    fields.map((field) => {
      const kind = field.tag === 'select' ? undefined : canaryFor(field);
      const value =
        kind === undefined ? undefined : field.type === 'date' && kind === 'date-of-birth' ? canaries.value(kind) : canaries.value(kind, kind === 'phone' ? phones++ : 0);
      return { ...field, value };
    }),
  );
  await page.evaluate((all) => {
    for (const fields of all) {
      for (const f of fields) {
        const el = document.forms[f.form]?.elements[f.index] as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | undefined;
        if (!el) continue;
        if (el instanceof HTMLSelectElement) {
          if (el.options.length > 1) el.selectedIndex = 1;
        } else if (f.value !== undefined) {
          el.focus();
          // The prototype's setter, as typing does: frameworks that track the value (React) see it.
          const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
          Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, f.value);
        } else continue;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        el.dispatchEvent(new Event('blur', { bubbles: true }));
      }
    }
  }, values);
  // Submit one form, the one with the most fields filled (not the header's search box): a
  // visitor sends one, and its submit handlers are what pixels hook.
  const filled = values.map((fields) => fields.filter((f) => f.value !== undefined).length);
  const chosen = filled.indexOf(Math.max(...filled));
  const navigated = page.waitForNavigation({ timeout: 8000 }).catch(() => undefined);
  await page.evaluate((index) => {
    const form = document.forms[index];
    if (!form) return;
    form.noValidate = true;
    form.requestSubmit();
  }, chosen);
  await navigated;
  await page.waitForLoadState('load', { timeout: 8000 }).catch(() => {});
  return forms.length;
}

async function clickAround(page: Page, limit: number): Promise<void> {
  if (limit <= 0) return;
  // Links: their click handlers run (outbound-link pixels), the navigation does not.
  await page.evaluate(() => {
    window.addEventListener('click', (e) => {
      if ((e.target as Element | null)?.closest?.('a[href]')) e.preventDefault();
    });
  });
  const targets = await page.$$('button:not([type=submit]), [role=button], a[href]');
  let clicked = 0;
  for (const target of targets) {
    if (clicked >= limit) break;
    // Not inside a form (forms are filled and submitted on purpose), and never a consent choice:
    // clicking "Accept" would change the state this pass scans under.
    const skip = await target
      .evaluate(
        (el) => el.closest('form') !== null || /consent|cookie|accept|allow|deny|reject|agree|opt.?(in|out)|log.?out|sign.?out/i.test(`${el.id} ${el.className} ${el.textContent}`),
      )
      .catch(() => true);
    if (skip || !(await target.isVisible().catch(() => false))) continue;
    await target.click({ timeout: 1000, noWaitAfter: true }).catch(() => {});
    clicked++;
  }
}
