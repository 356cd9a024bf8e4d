import { z } from 'zod';
import { slug } from './skills';

/**
 * The ERP records the builder agents create (ERP-CONTRACT.md, "Builder agents"): a
 * FormTemplate (Form Generator → `/form-templates`) and a ContentTrigger (Workflow Designer →
 * `/content-triggers`). The ERP's documents do not fix their fields; this is our reading of
 * them, kept here alone so it changes in one place when the ERP publishes its own. The
 * builders check proposals against it, and the fake ERP in tests validates writes with it, as
 * the ERP would.
 */

/** A field name in a form or a record: an identifier. */
const identifier = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'an identifier: a letter, then letters, digits or _ (at most 64)');
const label = z.string().trim().min(1).max(200);

export const FORM_FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'email', 'select', 'multiselect', 'checkbox', 'file'] as const;
const CHOICE_TYPES: ReadonlyArray<(typeof FORM_FIELD_TYPES)[number]> = ['select', 'multiselect'];

export const formFieldSchema = z
  .strictObject({
    name: identifier,
    label,
    type: z.enum(FORM_FIELD_TYPES),
    required: z.boolean().default(false),
    /** The choices of a select or multiselect (and only of those). */
    options: z.array(z.string().trim().min(1).max(200)).min(1).max(100).optional(),
  })
  .superRefine((field, ctx) => {
    const choice = CHOICE_TYPES.includes(field.type);
    if (choice && !field.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${field.type} field lists its options` });
    if (!choice && field.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${field.type} field has no options` });
    if (field.options && new Set(field.options).size !== field.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options repeat' });
  });

export const formTemplateSchema = z
  .strictObject({
    name: label,
    purpose: z.string().trim().min(1).max(2000),
    /** In the order the form shows them. */
    fields: z.array(formFieldSchema).min(1).max(100),
  })
  .superRefine((form, ctx) => {
    const seen = new Set<string>();
    form.fields.forEach((field, index) => {
      if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: ['fields', index, 'name'], message: `field ${field.name} appears twice` });
      seen.add(field.name);
    });
  });
export type FormTemplate = z.infer<typeof formTemplateSchema>;

/** An event name, e.g. `client_request_received` or `brief.approved`. */
export const eventName = z.string().regex(/^[a-z][a-z0-9_.]{0,99}$/, 'an event name: lower-case letters, digits, _ and .');
/** A dotted path into the event's payload, e.g. `client.tier`. */
const payloadPath = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*){0,9}$/, 'a payload path: identifiers joined by .');

export const TRIGGER_OPERATORS = ['equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'exists'] as const;

export const triggerConditionSchema = z
  .strictObject({
    field: payloadPath,
    operator: z.enum(TRIGGER_OPERATORS),
    value: z.union([z.string().max(500), z.number(), z.boolean()]).optional(),
  })
  .superRefine((condition, ctx) => {
    if (condition.operator === 'exists' && condition.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'exists takes no value' });
    if (condition.operator !== 'exists' && condition.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${condition.operator} compares with a value` });
  });

/** What a trigger does: invoke a skill with inputs taken from the event, or emit an event another trigger listens to (a chain). */
export const triggerActionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('invoke_skill'),
    skill: slug,
    /** The skill's input name → a payload path of the event. */
    inputMapping: z.record(identifier, payloadPath).default({}),
  }),
  z.strictObject({
    type: z.literal('emit_event'),
    event: eventName,
    /** The emitted payload's field → a payload path of this event. */
    payloadMapping: z.record(identifier, payloadPath).default({}),
  }),
]);

export const contentTriggerSchema = z
  .strictObject({
    name: label,
    event: eventName,
    /** All must hold for the action to run. */
    conditions: z.array(triggerConditionSchema).max(20).default([]),
    action: triggerActionSchema,
  })
  .superRefine((trigger, ctx) => {
    if (trigger.action.type === 'emit_event' && trigger.action.event === trigger.event) {
      ctx.addIssue({ code: 'custom', path: ['action', 'event'], message: 'a trigger may not emit the event it listens to (it would run forever)' });
    }
  });
export type ContentTrigger = z.infer<typeof contentTriggerSchema>;

/** The ERP collections the builders write, and the shape each one takes. */
export const ERP_BUILD_COLLECTIONS = {
  'form-templates': formTemplateSchema,
  'content-triggers': contentTriggerSchema,
} as const;
export type ErpBuildCollection = keyof typeof ERP_BUILD_COLLECTIONS;

/**
 * The events a set of triggers chains into a loop through, or null: a trigger emitting an
 * event leads to every trigger listening to it. A loop would run for as long as the ERP lets it.
 */
export function triggerCycle(triggers: Array<Pick<ContentTrigger, 'event' | 'action'>>): string[] | null {
  const next = new Map<string, Set<string>>();
  for (const trigger of triggers) {
    if (trigger.action.type !== 'emit_event') continue;
    const targets = next.get(trigger.event) ?? new Set<string>();
    targets.add(trigger.action.event);
    next.set(trigger.event, targets);
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (event: string): string[] | null => {
    if (state.get(event) === 'open') return [...path.slice(path.indexOf(event)), event];
    if (state.get(event) === 'done') return null;
    state.set(event, 'open');
    path.push(event);
    for (const target of next.get(event) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(event, 'done');
    return null;
  };
  for (const event of next.keys()) {
    const cycle = visit(event);
    if (cycle) return cycle;
  }
  return null;
}
