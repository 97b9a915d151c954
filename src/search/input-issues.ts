import { AppError } from '../errors/app-error.js';

/** Enough to fix a request; more would only bury the first one. */
const MAX_ISSUES = 20;

/**
 * Collects validation problems, each at its input path, so one response names all of them
 * (`details.fieldErrors`), not only the first.
 */
export class InputIssues {
  private readonly entries = new Map<string, string>();

  add(path: string, message: string): undefined {
    if (this.entries.size < MAX_ISSUES && !this.entries.has(path)) this.entries.set(path, message);
    return undefined;
  }

  get count(): number {
    return this.entries.size;
  }

  first(): [string, string] | undefined {
    return this.entries.entries().next().value;
  }

  /** Throws one AppError BAD_USER_INPUT listing every problem, if there is any. */
  throwIfAny(): void {
    const first = this.first();
    if (!first) return;
    const more = this.entries.size > 1 ? ` (and ${this.entries.size - 1} more problem${this.entries.size > 2 ? 's' : ''})` : '';
    throw new AppError('BAD_USER_INPUT', `${first[0]}: ${first[1]}${more}`, { details: { fieldErrors: Object.fromEntries(this.entries) } });
  }
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const key = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;

export function oneOf(values: readonly string[]): string {
  return values.join(', ');
}

/** Reports keys outside `allowed`; returns false if there was one. */
export function checkKeys(object: JsonObject, path: string, allowed: readonly string[], issues: InputIssues): boolean {
  let ok = true;
  for (const name of Object.keys(object)) {
    if (!allowed.includes(name)) {
      issues.add(key(path, name), `unknown key; expected only: ${oneOf(allowed)}`);
      ok = false;
    }
  }
  return ok;
}

/** A JSON string as PostgreSQL can store and compare it (no NUL) and of a sane length. */
export function checkString(value: unknown, path: string, issues: InputIssues, maxLength = 1000): value is string {
  if (typeof value !== 'string') {
    issues.add(path, `expected a string, got ${describe(value)}`);
    return false;
  }
  if (value.length > maxLength) {
    issues.add(path, `too long: at most ${maxLength} characters`);
    return false;
  }
  if (!isStorableText(value)) {
    issues.add(path, 'must be valid Unicode text without the NUL character');
    return false;
  }
  return true;
}

/**
 * Text PostgreSQL accepts in text and jsonb values: no NUL, and no lone UTF-16 surrogate
 * (JSON.stringify keeps one as a `\ud800` escape, which jsonb refuses).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** `negate` is optional and defaults to false (Close sends it explicitly or not at all). */
export function readNegate(object: JsonObject, path: string, issues: InputIssues): boolean {
  const value = object.negate;
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    issues.add(key(path, 'negate'), `expected true or false, got ${describe(value)}`);
    return false;
  }
  return value;
}
