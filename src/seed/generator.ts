import { generateActivities } from './activity-generator.js';
import { LeadIds } from './lead-ids.js';
import type { CopyBatch } from '../db/bulk/copy-batch.js';
import { customValues } from './custom-values.js';
import {
  between,
  noteText,
  sentence,
  someUser,
  type GeneratedContact,
  type GeneratedOpportunity,
  type GeneratedTask,
  type LeadContext,
} from './lead-context.js';
import { HISTORY_DAYS, LEAD_STREAM, type OpportunityStatusType, type OrganizationPlan, type PlannedOpportunityStatus, type PlannedUser } from './organization-plan.js';
import { Random, Weighted } from './random.js';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, isoDate, pgTimestamp } from './time-format.js';
import { getVocabulary, type CountryProfile, type NameLocale, type Vocabulary, type Word } from './vocabulary.js';

/** How many children a lead (or contact) has: the brief's bounds, weighted towards realistic counts. */
export const LIMITS = { contacts: 5, emails: 3, phones: 3, urls: 2, addresses: 3, opportunities: 4, tasks: 4, customObjects: 2 } as const;
const CONTACT_COUNTS = counts([8, 35, 25, 15, 10, 7]);
const EMAIL_COUNTS = counts([10, 55, 25, 10]);
const PHONE_COUNTS = counts([20, 50, 25, 5]);
const URL_COUNTS = counts([55, 35, 10]);
const ADDRESS_COUNTS = counts([25, 55, 15, 5]);
const OPPORTUNITY_COUNTS = counts([40, 30, 15, 10, 5]);
const TASK_COUNTS = counts([35, 30, 20, 10, 5]);
const CUSTOM_OBJECT_COUNTS = counts([62, 28, 10]);

/** A small share of leads has no name: their display name is their first contact's. */
const NAMELESS_SHARE = 0.03;
const OPPORTUNITY_TYPES = new Weighted<OpportunityStatusType>([['active', 45], ['won', 35], ['lost', 20]]);
const PERIODS = new Weighted([['one_time', 60], ['monthly', 25], ['annual', 15]] as const);
const CONFIDENCES = [10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90];
const PHONE_TYPES_FIRST = new Weighted([['office', 55], ['mobile', 30], ['direct', 15]] as const);
const PHONE_TYPES_OTHER = new Weighted([['mobile', 50], ['home', 20], ['fax', 10], ['other', 20]] as const);
const TASK_TYPES = new Weighted([['lead', 75], ['opportunity_due', 8], ['missed_call', 7], ['voicemail', 5], ['incoming_email', 5]] as const);
const ADDRESS_LINE_2 = ['Suite {n}', 'Floor {f}', 'Apt. {f}B', 'Unit {n}', 'c/o Accounts Payable', 'Building "B", {f}nd floor', 'Bâtiment A'];

/**
 * Writes the rows of leads `from` (included) to `to` (excluded) into `batch`. Pure and
 * deterministic: lead `i` depends only on the plan and `i`, never on other leads, so any range
 * can be generated on its own, and its content (all but the ids, see lead-ids.ts) is the same
 * in a smaller run as in a larger one.
 */
export function generateLeads(plan: OrganizationPlan, from: number, to: number, batch: CopyBatch): void {
  for (let index = from; index < to; index++) generateLead(plan, index, batch);
}

export function generateLead(plan: OrganizationPlan, index: number, batch: CopyBatch): void {
  const vocabulary = getVocabulary();
  const random = new Random(plan.contentKey, LEAD_STREAM, index);
  const ids = new LeadIds(new Random(plan.idKey, LEAD_STREAM, index), index, plan.leadsTotal);
  const anchor = plan.anchor;
  // Skewed towards recent: a growing business adds more leads every month.
  const age = Math.floor(HISTORY_DAYS * MICROS_PER_DAY * random.float() ** 1.6) + MICROS_PER_MINUTE + random.int(MICROS_PER_HOUR);
  const createdAt = anchor - age;
  const country = countryWeights(vocabulary).draw(random);
  const nameLocale = localeWeights(country).draw(random);
  const company = companyName(random, vocabulary, nameLocale);
  const domain = `${company.slug}.${random.pick(country.topLevelDomains)}`;
  const nameless = random.chance(NAMELESS_SHARE);

  const context: LeadContext = {
    plan, vocabulary, random, ids, batch,
    leadId: ids.next('lead'),
    createdAt,
    country,
    companyName: company.text,
    domain,
    contacts: [],
    opportunities: [],
    completedTasks: [],
  };
  const status = plan.leadStatusWeights.draw(random);
  const createdBy = someUser(context, 0.85);
  const description = descriptionText(context);
  const url = random.chance(0.7) ? `${random.chance(0.9) ? 'https' : 'http'}://www.${domain}${random.chance(0.5) ? '/' : ''}` : null;

  const contactCount = Math.max(nameless ? 1 : 0, CONTACT_COUNTS.draw(random));
  for (let position = 0; position < contactCount; position++) {
    context.contacts.push(generateContact(context, position, nameLocale, nameless && position === 0));
  }
  generateAddresses(context);
  generateOpportunities(context);
  generateTasks(context);
  const lastActivity = generateActivities(context, status, createdBy);
  generateCustomObjects(context);

  const custom = customValues(context, plan.leadFields, createdAt);
  const updatedAt = Math.max(createdAt + random.int(MICROS_PER_HOUR), lastActivity);
  const name = nameless ? null : company.text;
  batch.add('leads', [
    context.leadId, plan.organizationId, name, name ?? context.contacts[0].name ?? '', description, url, status.id, custom,
    pgTimestamp(createdAt), pgTimestamp(Math.min(updatedAt, anchor)), createdBy?.id ?? null, (someUser(context, 0.85) ?? createdBy)?.id ?? null,
  ]);
}

function generateContact(context: LeadContext, position: number, leadLocale: NameLocale, mustHaveName: boolean): GeneratedContact {
  const { random, plan, vocabulary, batch } = context;
  const id = context.ids.next('cont');
  const locale = random.chance(0.85) ? leadLocale : localeWeights(context.country).draw(random);
  const people = vocabulary.peopleByLocale[locale];
  const first = random.pick(people.first);
  const last = random.pick(people.last);
  const name = mustHaveName || random.chance(0.97) ? `${first.text} ${last.text}` : null;
  const title = random.chance(0.8) ? random.pick(vocabulary.titles) : null;
  const createdAt = random.chance(0.7) ? context.createdAt + random.int(5 * MICROS_PER_MINUTE) : between(random, context.createdAt, plan.anchor);
  const updatedAt = createdAt + Math.floor((plan.anchor - createdAt) * random.float() ** 3);
  const user = someUser(context);
  const contact: GeneratedContact = { id, name, first, last, emails: [], phones: [] };

  const emailCount = EMAIL_COUNTS.draw(random);
  for (let k = 0; k < emailCount; k++) {
    const email = emailAddress(context, name === null, first, last, k);
    if (contact.emails.includes(email)) continue;
    contact.emails.push(email);
    const type = k === 0 ? (random.chance(0.8) ? 'office' : 'direct') : random.chance(0.7) ? 'home' : 'other';
    batch.add('contact_emails', [plan.organizationId, context.leadId, id, contact.emails.length - 1, email, type, random.chance(0.03)]);
  }
  const phoneCount = PHONE_COUNTS.draw(random);
  for (let k = 0; k < phoneCount; k++) {
    const city = random.pick(context.country.cities);
    const phone = city.phonePrefix + String(2 + random.int(8)) + digits(random, city.phoneDigits - 1);
    const type = (k === 0 ? PHONE_TYPES_FIRST : PHONE_TYPES_OTHER).draw(random);
    contact.phones.push({ phone, country: context.country.code });
    batch.add('contact_phones', [plan.organizationId, context.leadId, id, k, phone, type, context.country.code]);
  }
  const urlCount = URL_COUNTS.draw(random);
  for (let k = 0; k < urlCount; k++) {
    const url = [
      `https://www.linkedin.com/in/${first.slug}-${last.slug}-${random.int(0xffff).toString(16)}`,
      `https://twitter.com/${first.slug}${last.slug}`,
      `https://www.${context.domain}/team/${first.slug}`,
      `https://github.com/${first.slug}${last.slug.slice(0, 3)}`,
    ][k === 0 ? random.int(2) : random.int(4)];
    batch.add('contact_urls', [plan.organizationId, context.leadId, id, k, url, 'url']);
  }
  const custom = customValues(context, plan.contactFields, createdAt);
  batch.add('contacts', [
    id, plan.organizationId, context.leadId, position, name, title, custom,
    pgTimestamp(createdAt), pgTimestamp(updatedAt), user?.id ?? null, user?.id ?? null,
  ]);
  return contact;
}

function emailAddress(context: LeadContext, nameless: boolean, first: Word, last: Word, k: number): string {
  const { random, domain } = context;
  if (nameless) return `${random.pick(['info', 'sales', 'billing', 'support', 'hello'])}@${domain}`;
  if (k === 0) {
    const local = [`${first.slug}.${last.slug}`, first.slug, `${first.slug[0]}${last.slug}`, `${first.slug}${last.slug}`][random.int(4)];
    return `${local}@${domain}`;
  }
  const personal = random.pick(['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'gmx.de', 'free.fr']);
  return random.chance(0.5) ? `${first.slug}.${last.slug}@${personal}` : `${first.slug}${last.slug}${random.int(100)}@${personal}`;
}

function generateAddresses(context: LeadContext): void {
  const { random, plan, vocabulary } = context;
  const count = ADDRESS_COUNTS.draw(random);
  for (let position = 0; position < count; position++) {
    const country = random.chance(0.9) ? context.country : countryWeights(vocabulary).draw(random);
    const city = random.pick(country.cities);
    const street = random.pick(vocabulary.streetsByLocale[country.streetLocale]);
    const number = random.between(1, 2999);
    const numberAfter = country.code === 'DE' || country.code === 'BR';
    const line2 = random.chance(0.25)
      ? random.pick(ADDRESS_LINE_2).replace('{n}', String(random.between(100, 990))).replace('{f}', String(random.between(2, 9)))
      : null;
    context.batch.add('addresses', [
      plan.organizationId, context.leadId, position,
      position === 0 ? 'business' : random.pick(['mailing', 'other', 'business']),
      numberAfter ? `${street} ${number}` : `${number} ${street}`, line2, city.city, city.state,
      pattern(random, city.zip), country.code,
    ]);
  }
}

function generateOpportunities(context: LeadContext): void {
  const { random, plan } = context;
  const count = OPPORTUNITY_COUNTS.draw(random);
  for (let k = 0; k < count; k++) {
    const id = context.ids.next('oppo');
    const pipeline = random.chance(0.8) ? plan.pipelines[0] : plan.pipelines[1];
    const type = OPPORTUNITY_TYPES.draw(random);
    const status: PlannedOpportunityStatus = random.pick(pipeline.statuses.filter((s) => s.type === type));
    const createdAt = between(random, context.createdAt, plan.anchor);
    const decidedAt = type === 'active' ? null : between(random, createdAt, plan.anchor);
    // Deal sizes span orders of magnitude ($500 to $250k), mostly round numbers.
    const dollars = 500 * 500 ** random.float();
    const value = random.chance(0.05) ? null : random.chance(0.85) ? Math.round(dollars / 50) * 5000 : Math.round(dollars * 100);
    const currency = random.chance(0.6) ? context.country.currency : 'USD';
    const period = PERIODS.draw(random);
    const confidence = type === 'won' ? 100 : type === 'lost' ? 0 : random.pick(CONFIDENCES);
    const note = random.chance(0.5) ? noteText(context) : null;
    const user = someUser(context, 0.92);
    const contact = context.contacts.length > 0 && random.chance(0.6) ? random.pick(context.contacts) : null;
    const updatedAt = decidedAt ?? createdAt + Math.floor((plan.anchor - createdAt) * random.float() ** 2);
    const dateWon = decidedAt !== null && type === 'won' ? isoDate(decidedAt) : null;
    const creator = someUser(context);
    const custom = customValues(context, plan.opportunityFields, createdAt);
    context.opportunities.push({ id, status, value, currency, period, confidence, dateWon, createdAt, decidedAt } satisfies GeneratedOpportunity);
    context.batch.add('opportunities', [
      id, plan.organizationId, context.leadId, contact?.id ?? null, user?.id ?? null, status.id, value, currency, period,
      confidence, note, dateWon, type === 'lost' && decidedAt !== null ? pgTimestamp(decidedAt) : null, custom,
      pgTimestamp(createdAt), pgTimestamp(updatedAt), creator?.id ?? null, (creator ?? user)?.id ?? null,
    ]);
  }
}

function generateTasks(context: LeadContext): void {
  const { random, plan } = context;
  const count = TASK_COUNTS.draw(random);
  for (let k = 0; k < count; k++) {
    const id = context.ids.next('task');
    const type = TASK_TYPES.draw(random);
    const contact = context.contacts.length > 0 && random.chance(0.5) ? random.pick(context.contacts) : null;
    const text = taskText(context, type, contact);
    const createdAt = between(random, context.createdAt, plan.anchor);
    const dueAt = createdAt + (1 + random.int(21)) * MICROS_PER_DAY;
    const complete = dueAt < plan.anchor ? random.chance(0.75) : random.chance(0.05);
    const completedAt = complete ? between(random, createdAt, Math.min(dueAt, plan.anchor)) : null;
    const assignedTo: PlannedUser | null = someUser(context);
    const creator = someUser(context);
    if (completedAt !== null) context.completedTasks.push({ id, text, assignedTo, completedAt } satisfies GeneratedTask);
    context.batch.add('tasks', [
      id, plan.organizationId, context.leadId, contact?.id ?? null, assignedTo?.id ?? null, type, text, isoDate(dueAt),
      complete, pgTimestamp(createdAt), pgTimestamp(completedAt ?? createdAt), creator?.id ?? null, (assignedTo ?? creator)?.id ?? null,
    ]);
  }
}

function taskText(context: LeadContext, type: string, contact: GeneratedContact | null): string {
  const { random } = context;
  const first = contact?.first.text ?? context.companyName;
  switch (type) {
    case 'opportunity_due':
      return `Opportunity due: ${context.companyName}`;
    case 'missed_call':
      return `Missed call from ${contact?.phones[0]?.phone ?? contact?.name ?? context.companyName}`;
    case 'voicemail':
      return `Listen to voicemail from ${contact?.name ?? 'an unknown caller'}`;
    case 'incoming_email':
      return `Reply to ${first}: "Re: pricing"`;
    default:
      return random.pick([
        `Follow up with ${first}`, `Send proposal to ${context.companyName}`, `Call back ${first} re: pricing`,
        `Prepare demo for ${context.companyName}`, 'Check in after the "pilot", see notes', `Envoyer le devis à ${first}`,
        'Ask for intro to procurement, legal & IT',
      ]);
  }
}

function generateCustomObjects(context: LeadContext): void {
  const { random, plan } = context;
  const count = CUSTOM_OBJECT_COUNTS.draw(random);
  for (let k = 0; k < count; k++) {
    const id = context.ids.next('custobj');
    const type = random.pick(plan.customObjectTypes);
    const createdAt = between(random, context.createdAt, plan.anchor);
    const custom = customValues(context, type.fields, createdAt);
    const name = type.key === 'subscription'
      ? `${String(custom[type.fields[0].id] ?? 'Custom')} plan – ${context.companyName}`
      : `#${random.between(10_000, 99_999)} ${sentence(random.pick(context.vocabulary.hackerPhrases)).slice(0, 60)}`;
    const user = someUser(context);
    context.batch.add('custom_objects', [
      id, plan.organizationId, type.id, context.leadId, name, custom,
      pgTimestamp(createdAt), pgTimestamp(between(random, createdAt, plan.anchor)), user?.id ?? null, user?.id ?? null,
    ]);
  }
}

function descriptionText(context: LeadContext): string | null {
  const { random, vocabulary } = context;
  const roll = random.float();
  if (roll < 0.4) return null;
  if (roll < 0.85) return sentence(random.pick(vocabulary.buzzPhrases));
  return random.pick(vocabulary.trickyTexts);
}

function companyName(random: Random, vocabulary: Vocabulary, locale: NameLocale): Word {
  if (random.chance(0.55)) return random.pick(vocabulary.companies);
  const last = random.pick(vocabulary.peopleByLocale[locale].last);
  const noun = random.pick(vocabulary.companyNouns);
  return { text: `${last.text} ${noun.text}${random.pick(vocabulary.companySuffixes)}`, slug: `${last.slug}${noun.slug}` };
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(random.int(10));
  return text;
}

/** `#` → a digit, `?` → an upper-case letter. */
function pattern(random: Random, template: string): string {
  let text = '';
  for (const c of template) text += c === '#' ? String(random.int(10)) : c === '?' ? String.fromCharCode(65 + random.int(26)) : c;
  return text;
}

function counts(weights: number[]): Weighted<number> {
  return new Weighted(weights.map((weight, count) => [count, weight] as const));
}

const countryCache = new WeakMap<Vocabulary, Weighted<CountryProfile>>();
function countryWeights(vocabulary: Vocabulary): Weighted<CountryProfile> {
  let weights = countryCache.get(vocabulary);
  if (!weights) countryCache.set(vocabulary, (weights = new Weighted(vocabulary.countries.map((c) => [c, c.weight] as const))));
  return weights;
}

const localeCache = new WeakMap<CountryProfile, Weighted<NameLocale>>();
function localeWeights(country: CountryProfile): Weighted<NameLocale> {
  let weights = localeCache.get(country);
  if (!weights) localeCache.set(country, (weights = new Weighted(country.nameLocales)));
  return weights;
}
