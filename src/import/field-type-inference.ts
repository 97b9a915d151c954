/**
 * The definition of a custom field the import creates, inferred from the values the file holds
 * for it (the file names custom fields but does not describe them). Pure.
 *
 * Every value is classified; the field's type is the one kind all its values share:
 *
 * | values                                          | type                                   |
 * |-------------------------------------------------|----------------------------------------|
 * | numbers                                         | `number`                               |
 * | `YYYY-MM-DD` strings                            | `date`                                 |
 * | ISO date-times (dates mixed in allowed)         | `datetime`                             |
 * | Close user ids (`user_…`)                       | `user`                                 |
 * | Close contact ids (`cont_…`)                    | `contact`                              |
 * | strings with a line break                       | `textarea`                             |
 * | arrays of plain strings                         | `choices`, the distinct values as its choices |
 * | few distinct one-line strings, each repeated    | `choices` (≤ 50 distinct, each used 3× on average) |
 * | anything else (mixed kinds, booleans, objects)  | `text`                                 |
 *
 * A field that ever holds an array accepts multiple values. Values are stored as they are
 * whatever the inferred type: the type only matters to CSV exports and filters.
 */

export type CustomFieldType = 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'choices' | 'user' | 'contact';
export type InferredField = { type: CustomFieldType; acceptsMultipleValues: boolean; choices: string[] | null };

type ValueKind = 'number' | 'date' | 'datetime' | 'user' | 'contact' | 'line' | 'multiline' | 'other';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const USER_ID = /^user_[0-9A-Za-z]+$/;
const CONTACT_ID = /^cont_[0-9A-Za-z]+$/;

/** Distinct strings remembered for `choices`; past this the field keeps no choice list. */
const MAX_TRACKED_CHOICES = 1000;
/** A single-value text field with at most this many distinct values… */
const MAX_SINGLE_CHOICES = 50;
/** …each used this many times on average is a `choices` field. */
const MIN_USES_PER_CHOICE = 3;

export class FieldTypeInference {
  private readonly kinds = new Set<ValueKind>();
  private multiple = false;
  private uses = 0;
  private readonly distinct = new Set<string>();
  private overflow = false;

  observe(value: unknown): void {
    if (Array.isArray(value)) {
      this.multiple = true;
      for (const element of value) this.observeOne(element);
    } else this.observeOne(value);
  }

  private observeOne(value: unknown): void {
    if (value === null || value === undefined) return;
    this.uses++;
    const kind = classify(value);
    this.kinds.add(kind);
    if (kind === 'line' && !this.overflow) {
      this.distinct.add(value as string);
      if (this.distinct.size > MAX_TRACKED_CHOICES) {
        this.overflow = true;
        this.distinct.clear();
      }
    }
  }

  result(): InferredField {
    const only = (...kinds: ValueKind[]) => this.kinds.size > 0 && [...this.kinds].every((k) => kinds.includes(k));
    const field = (type: CustomFieldType, choices: string[] | null = null): InferredField => ({ type, acceptsMultipleValues: this.multiple, choices });
    if (only('number')) return field('number');
    if (only('date')) return field('date');
    if (only('date', 'datetime')) return field('datetime');
    if (only('user')) return field('user');
    if (only('contact')) return field('contact');
    if (only('line')) {
      const choices = this.overflow ? null : [...this.distinct].sort();
      if (this.multiple) return field('choices', choices);
      if (choices && choices.length <= MAX_SINGLE_CHOICES && this.uses >= MIN_USES_PER_CHOICE * choices.length) return field('choices', choices);
      return field('text');
    }
    if (only('line', 'multiline')) return field('textarea');
    return field('text');
  }
}

function classify(value: unknown): ValueKind {
  if (typeof value === 'number') return 'number';
  if (typeof value !== 'string') return 'other';
  if (DATE.test(value)) return 'date';
  if (DATETIME.test(value)) return 'datetime';
  if (USER_ID.test(value)) return 'user';
  if (CONTACT_ID.test(value)) return 'contact';
  return value.includes('\n') ? 'multiline' : 'line';
}
