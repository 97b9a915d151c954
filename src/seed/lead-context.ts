import type { CopyBatch } from '../db/bulk/copy-batch.js';
import type { LeadIds } from './lead-ids.js';
import type { OrganizationPlan, PlannedOpportunityStatus, PlannedUser } from './organization-plan.js';
import type { Random } from './random.js';
import type { CountryProfile, Vocabulary, Word } from './vocabulary.js';

/**
 * What the generators of one lead share while they build its rows. `random` is the lead's
 * content stream, `ids` draws from its id stream (see organization-plan.ts): every id comes from
 * `ids` and nothing else does, so names and values do not depend on the organization's name.
 */
export type LeadContext = {
  plan: OrganizationPlan;
  vocabulary: Vocabulary;
  random: Random;
  ids: LeadIds;
  batch: CopyBatch;
  leadId: string;
  createdAt: number;
  country: CountryProfile;
  companyName: string;
  domain: string;
  contacts: GeneratedContact[];
  opportunities: GeneratedOpportunity[];
  completedTasks: GeneratedTask[];
};

export type GeneratedContact = {
  id: string;
  name: string | null;
  first: Word;
  last: Word;
  emails: string[];
  phones: Array<{ phone: string; country: string }>;
};

export type GeneratedOpportunity = {
  id: string;
  status: PlannedOpportunityStatus;
  value: number | null;
  currency: string;
  period: string;
  confidence: number;
  dateWon: string | null;
  createdAt: number;
  /** When it was won or lost; null while active. */
  decidedAt: number | null;
};

export type GeneratedTask = { id: string; text: string; assignedTo: PlannedUser | null; completedAt: number };

/** A user of the organization, or (with probability `1 - share`) nobody, e.g. a record made through the API. */
export function someUser(context: LeadContext, share = 0.9): PlannedUser | null {
  return context.random.chance(share) ? context.plan.userWeights.draw(context.random) : null;
}

/** An instant uniformly between `from` and `to`, whole microseconds. */
export function between(random: Random, from: number, to: number): number {
  return to <= from ? from : from + Math.floor(random.float() * (to - from));
}

const CURRENCY_SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', CAD: 'CA$', AUD: 'A$', BRL: 'R$' };

/** "$1,250" or "€1,250.50": Close's `value_formatted` for an amount in cents. */
export function formatMoney(cents: number, currency: string): string {
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${CURRENCY_SYMBOLS[currency] ?? `${currency} `}${grouped}${rest ? `.${String(rest).padStart(2, '0')}` : ''}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** Free text as people write it in notes: sometimes several lines, sometimes with awkward characters. */
export function noteText(context: LeadContext): string {
  const { random, vocabulary } = context;
  const roll = random.float();
  if (roll < 0.15) return random.pick(vocabulary.trickyTexts);
  const first = sentence(random.pick(vocabulary.buzzPhrases));
  if (roll < 0.55) return first;
  if (roll < 0.8) return `${first} ${sentence(random.pick(vocabulary.hackerPhrases))}`;
  return `${first}\n\n- ${random.pick(vocabulary.buzzPhrases)}\n- ${random.pick(vocabulary.buzzPhrases)}`;
}

export function sentence(text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
