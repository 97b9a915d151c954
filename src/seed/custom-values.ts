import type { LeadContext } from './lead-context.js';
import { between, noteText } from './lead-context.js';
import type { PlannedCustomField } from './organization-plan.js';
import { MICROS_PER_DAY, isoDate, isoMinute } from './time-format.js';

/**
 * The `custom` jsonb of one object: `{ "cf_…": value }`, only for fields that have a value.
 * Shapes follow spec §4.7: multi-value fields hold a JSON array, user fields user ids, contact
 * fields ids of contacts of the same lead, dates "YYYY-MM-DD", datetimes ISO strings.
 *
 * `lifetimeStart` is when the owner was created; dates "over its lifetime" fall after it.
 */
export function customValues(
  context: LeadContext,
  fields: readonly PlannedCustomField[],
  lifetimeStart: number,
): Record<string, unknown> {
  const custom: Record<string, unknown> = {};
  for (const field of fields) {
    if (!context.random.chance(field.fill)) continue;
    const value = customValue(context, field, lifetimeStart);
    if (value !== undefined) custom[field.id] = value;
  }
  return custom;
}

function customValue(context: LeadContext, field: PlannedCustomField, lifetimeStart: number): unknown {
  const { random, plan } = context;
  switch (field.type) {
    case 'text':
      return field.text ? field.text(random, context.vocabulary) : random.pick(context.vocabulary.buzzPhrases);
    case 'textarea':
      return noteText(context);
    case 'number': {
      const [min, max] = field.range ?? [0, 1000];
      // Quantities span orders of magnitude: draw the exponent, not the value.
      const value = min > 0 ? min * (max / min) ** random.float() : min + random.float() * (max - min);
      return field.decimals && random.chance(0.5) ? Math.round(value * 100) / 100 : Math.round(value);
    }
    case 'date':
      return isoDate(dateIn(context, field, lifetimeStart));
    case 'datetime':
      return isoMinute(dateIn(context, field, lifetimeStart));
    case 'choices': {
      const choices = field.choices ?? [];
      if (!field.multiple) return random.pick(choices);
      return distinct(random.between(1, 3), choices.length, () => random.int(choices.length)).map((i) => choices[i]);
    }
    case 'user': {
      if (!field.multiple) return plan.userWeights.draw(random).id;
      const users = plan.users;
      return distinct(random.between(1, 3), users.length, () => random.int(users.length)).map((i) => users[i].id);
    }
    case 'contact':
      return context.contacts.length > 0 ? random.pick(context.contacts).id : undefined;
  }
}

function dateIn(context: LeadContext, field: PlannedCustomField, lifetimeStart: number): number {
  const { random, plan } = context;
  switch (field.window ?? 'lifetime') {
    case 'around-anchor': {
      const [fromDays, toDays] = field.range ?? [-30, 30];
      return plan.anchor + Math.floor((fromDays + random.float() * (toDays - fromDays)) * MICROS_PER_DAY);
    }
    case 'birthday':
      return plan.anchor - Math.floor((22 + random.float() * 45) * 365.25 * MICROS_PER_DAY);
    case 'lifetime':
      return between(random, lifetimeStart, plan.anchor);
  }
}

/** `count` distinct indexes below `size`, in ascending order (as a picker in a UI lists them). */
function distinct(count: number, size: number, draw: () => number): number[] {
  const picked = new Set<number>();
  const wanted = Math.min(count, size);
  while (picked.size < wanted) picked.add(draw());
  return [...picked].sort((a, b) => a - b);
}
