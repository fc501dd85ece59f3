/**
 * Event definitions (`definitions:` in the config): business events named from autotrack's
 * clicks, submits, changes and pageviews, or from another event, without touching the site's
 * code. `{ name: Book Appointment Clicked, on: click, selector: "form#book button", text: "Book*" }`
 * makes the relay emit `Book Appointment Clicked` beside each `$click` it matches; destinations
 * allow it by that name like any other event.
 */
import { z } from 'zod';
import { PROPERTY_PATH } from './property-path.js';
import { selectorProblem } from './selector.js';

/**
 * A pattern where `*` stands for any run of characters (`/book*`, `*appointment*`); every other
 * character is itself. Compared without regard to case. No regular expressions: a pattern is
 * matched against what visitors send, and a glob is matched in linear time.
 */
export const globSchema = z.string().min(1).max(500);

export const definitionTriggers = ['click', 'submit', 'change', 'pageview', 'event'] as const;
export type DefinitionTrigger = (typeof definitionTriggers)[number];

const conditionShape = {
  /** CSS selector subset matched against the element chain (click, submit, change). */
  selector: z
    .string()
    .min(1)
    .superRefine((s, ctx) => {
      const problem = selectorProblem(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `not a supported selector: ${problem}` });
    })
    .optional(),
  /** The clicked element's visible text (autotrack's `$text`; click only). */
  text: globSchema.optional(),
  /** The page's path (`/book*`), or with a scheme its origin and path (`https://clinic.example/book*`). */
  url: globSchema.optional(),
  /** Event property values (as text), each path against its pattern. */
  properties: z.record(z.string().regex(PROPERTY_PATH, 'property paths are dotted names such as form.name'), globSchema).optional(),
};

export const definitionConditionSchema = z.strictObject(conditionShape);
export type DefinitionCondition = z.output<typeof definitionConditionSchema>;

export const definitionSchema = z
  .strictObject({
    /**
     * The event it emits. Not `$...` (autotrack's own names) and no `:` (tag shims' names), so a
     * definition can never pose as `fbq:Lead` or `$pageview`.
     */
    name: z
      .string()
      .min(1)
      .max(200)
      .refine((n) => !n.startsWith('$') && !n.includes(':') && n.trim() === n, {
        message: 'definition names do not start with $, contain no : and have no surrounding spaces',
      }),
    on: z.enum(definitionTriggers),
    /** on: event only: the event matched, named as allowlists name it (`dataLayer:form_submit`). */
    event: z.string().min(1).max(200).optional(),
    ...conditionShape,
    /** Conditions any one of which stops the definition (GTM's blocking triggers and negated filters). */
    unless: z.array(definitionConditionSchema).max(20).default([]),
    /** A note for people reading the config (where a definition came from). */
    description: z.string().max(500).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.on === 'event' && d.event === undefined)
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'on: event needs the event it matches (event: dataLayer:form_submit)' });
    if (d.on !== 'event' && d.event !== undefined) ctx.addIssue({ code: 'custom', path: ['event'], message: 'event: is only for on: event' });
    const chainless = d.on === 'pageview' || d.on === 'event';
    for (const [i, c] of [d, ...d.unless].entries()) {
      const path = i === 0 ? [] : ['unless', i - 1];
      if (chainless && c.selector !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'selector'], message: `on: ${d.on} has no element to match a selector against` });
      if (d.on !== 'click' && c.text !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'text'], message: 'text: is only for on: click' });
    }
  });

export type EventDefinition = z.output<typeof definitionSchema>;
/** A definition as written in a config file (`unless` may be left out). */
export type EventDefinitionInput = z.input<typeof definitionSchema>;

export const definitionsSchema = z.array(definitionSchema).max(500).default([]);
