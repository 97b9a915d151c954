import { newId } from '../db/ids.js';
import { Random, Weighted, hashString } from './random.js';
import { MICROS_PER_DAY } from './time-format.js';
import { getVocabulary, slugify, type Vocabulary } from './vocabulary.js';

/**
 * Everything about a seeded organization that is not per lead: users, statuses, pipelines,
 * custom field definitions and custom object types. Pure: the same inputs give the same plan.
 *
 * Two independent random streams feed the whole seed:
 * - the CONTENT stream depends only on the seed, so two organizations seeded with the same seed
 *   hold the same names, values and dates;
 * - the ID stream also depends on the organization's name, so those two organizations can live in
 *   one database (the demo and `npm run seed` both default to seed 42) without id collisions.
 */
export type OrganizationPlan = {
  organizationId: string;
  organizationName: string;
  /** Domain of the organization's own users' email addresses. */
  domain: string;
  /** Every generated instant is at or before this one, except planned future work (due dates, meetings). */
  anchor: number;
  /** How many leads the run generates (ids spread over the run, see lead-ids.ts). */
  leadsTotal: number;
  createdAt: number;
  contentKey: number;
  idKey: number;
  users: PlannedUser[];
  /** Some users own more of the book than others. */
  userWeights: Weighted<PlannedUser>;
  leadStatuses: PlannedLeadStatus[];
  leadStatusWeights: Weighted<PlannedLeadStatus>;
  pipelines: PlannedPipeline[];
  customObjectTypes: PlannedCustomObjectType[];
  /** Definitions of every owner, in creation order. */
  customFields: PlannedCustomField[];
  leadFields: PlannedCustomField[];
  contactFields: PlannedCustomField[];
  opportunityFields: PlannedCustomField[];
};

export type PlannedUser = {
  id: string;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  /** The E.164 number calls and texts go out from. */
  phone: string;
  createdAt: number;
};
export type PlannedLeadStatus = { id: string; label: string; position: number };
export type OpportunityStatusType = 'active' | 'won' | 'lost';
export type PlannedOpportunityStatus = { id: string; label: string; type: OpportunityStatusType; position: number; pipelineId: string };
export type PlannedPipeline = { id: string; name: string; position: number; statuses: PlannedOpportunityStatus[] };
export type PlannedCustomObjectType = {
  id: string;
  key: CustomObjectKey;
  name: string;
  namePlural: string;
  description: string;
  fields: PlannedCustomField[];
};

export type CustomFieldType = 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'choices' | 'user' | 'contact';
export type CustomFieldOwner = 'lead' | 'contact' | 'opportunity' | 'custom_object';
export type CustomObjectKey = 'subscription' | 'ticket';

/**
 * How values are drawn. `window` places dates: over the owner's lifetime, around the anchor
 * (deadlines, renewals: ±`days`), or in the past decades (birthdays).
 */
export type CustomFieldSpec = {
  name: string;
  description: string | null;
  type: CustomFieldType;
  multiple?: boolean;
  choices?: readonly string[];
  /** Share of owners that have a value. */
  fill: number;
  range?: readonly [number, number];
  decimals?: boolean;
  window?: 'lifetime' | 'around-anchor' | 'birthday';
  /** For `text` fields. */
  text?: (random: Random, vocabulary: Vocabulary) => string;
};

export type PlannedCustomField = CustomFieldSpec & {
  id: string;
  owner: CustomFieldOwner;
  customObjectTypeId: string | null;
  position: number;
};

export const DEFAULT_ANCHOR = new Date('2026-11-01T00:00:00Z');

/** Salt words that keep the organization's streams apart from the per-lead streams. */
const ORGANIZATION_STREAM = 0x4f524741; // "ORGA"
export const LEAD_STREAM = 0x4c454144; // "LEAD"

const LEAD_STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['Potential', 35], ['Qualified', 18], ['Interested', 12], ['Customer', 15], ['Not Interested', 12], ['Bad Fit', 8],
];

const PIPELINES: ReadonlyArray<{ name: string; statuses: ReadonlyArray<readonly [string, OpportunityStatusType]> }> = [
  {
    name: 'Sales',
    statuses: [
      ['Active', 'active'], ['Demo Scheduled', 'active'], ['Proposal Sent', 'active'], ['Negotiation', 'active'],
      ['Won', 'won'], ['Lost', 'lost'],
    ],
  },
  {
    name: 'Renewals',
    statuses: [['Upcoming', 'active'], ['In Discussion', 'active'], ['Renewed', 'won'], ['Churned', 'lost']],
  },
];

const LEAD_FIELDS: readonly CustomFieldSpec[] = [
  { name: 'Lead Source', description: 'Where the lead came from', type: 'choices', fill: 0.8,
    choices: ['Website', 'Referral', 'Cold Call', 'Trade Show', 'Partner', 'LinkedIn', 'Webinar, Q3'] },
  { name: 'Industry', description: null, type: 'choices', multiple: true, fill: 0.6,
    choices: ['Apparel', 'Cars', 'Cosmetics', 'IT', 'Finance', 'Healthcare', 'Real Estate', 'Education', 'Manufacturing', 'Retail'] },
  { name: 'Région', description: 'Sales territory', type: 'choices', fill: 0.4,
    choices: ['Amérique du Nord', 'Europe', 'Asie-Pacifique', 'Amérique latine'] },
  { name: 'Internal Database ID', description: 'ID in the company database', type: 'text', fill: 0.5,
    text: (random) => `DB-${String(random.int(1_000_000)).padStart(6, '0')}` },
  { name: '# of users', description: 'The number of users in the company', type: 'number', fill: 0.5, range: [1, 5000] },
  { name: 'Annual Revenue', description: 'Reported yearly revenue, USD', type: 'number', fill: 0.35, range: [10_000, 50_000_000], decimals: true },
  { name: 'Trial Due', description: 'The date the trial expires', type: 'date', fill: 0.3, window: 'around-anchor', range: [-60, 60] },
  { name: 'Last Demo At', description: null, type: 'datetime', fill: 0.3, window: 'lifetime' },
  { name: 'Qualification Notes', description: 'BANT notes, free text', type: 'textarea', fill: 0.25 },
  { name: 'Owner', description: 'The AE in charge of this account', type: 'user', fill: 0.85 },
  { name: 'Account Team', description: null, type: 'user', multiple: true, fill: 0.4 },
  { name: 'Champion', description: 'Our main ally at the account', type: 'contact', fill: 0.5 },
];

const CONTACT_FIELDS: readonly CustomFieldSpec[] = [
  { name: 'Preferred Language', description: null, type: 'choices', fill: 0.5,
    choices: ['English', 'Deutsch', 'Français', 'Español', 'Português'] },
  { name: 'Birthday', description: null, type: 'date', fill: 0.15, window: 'birthday' },
  { name: 'LinkedIn Connections', description: null, type: 'number', fill: 0.3, range: [0, 30_000] },
  { name: 'Contact Owner', description: null, type: 'user', fill: 0.4 },
];

const OPPORTUNITY_FIELDS: readonly CustomFieldSpec[] = [
  { name: 'Deal Type', description: null, type: 'choices', fill: 0.8, choices: ['New Business', 'Upsell', 'Renewal', 'Cross-sell'] },
  { name: 'Competitors', description: 'Who else they are evaluating', type: 'choices', multiple: true, fill: 0.4,
    choices: ['Salesforce', 'HubSpot', 'Pipedrive', 'Zoho', 'In-house tool'] },
  { name: 'Expected Close', description: null, type: 'date', fill: 0.6, window: 'around-anchor', range: [-30, 120] },
  { name: 'Next Step', description: null, type: 'text', fill: 0.4,
    text: (random) => random.pick(['Send proposal', 'Security review', 'Pricing call', 'Legal redline', 'Pilot kickoff', 'Sign, then onboard']) },
  { name: 'Decision Maker', description: null, type: 'contact', fill: 0.3 },
];

const CUSTOM_OBJECT_TYPES: ReadonlyArray<{
  key: CustomObjectKey; name: string; namePlural: string; description: string; fields: readonly CustomFieldSpec[];
}> = [
  {
    key: 'subscription', name: 'Subscription', namePlural: 'Subscriptions', description: 'A paid plan of the account',
    fields: [
      { name: 'Plan', description: null, type: 'choices', fill: 1, choices: ['Starter', 'Growth', 'Pro', 'Enterprise'] },
      { name: 'Seats', description: null, type: 'number', fill: 0.9, range: [1, 500] },
      { name: 'Renewal Date', description: null, type: 'date', fill: 0.8, window: 'around-anchor', range: [-30, 365] },
      { name: 'Add-ons', description: null, type: 'choices', multiple: true, fill: 0.4, choices: ['SSO', 'Audit Log', 'Priority Support', 'Sandbox'] },
      { name: 'Billing Contact', description: null, type: 'contact', fill: 0.6 },
      { name: 'Account Manager', description: null, type: 'user', fill: 0.7 },
    ],
  },
  {
    key: 'ticket', name: 'Support Ticket', namePlural: 'Support Tickets', description: 'Issues raised by the account',
    fields: [
      { name: 'Priority', description: null, type: 'choices', fill: 1, choices: ['Low', 'Normal', 'High', 'Urgent'] },
      { name: 'Opened At', description: null, type: 'datetime', fill: 1, window: 'lifetime' },
      { name: 'Summary', description: null, type: 'textarea', fill: 0.7 },
      { name: 'Reporter', description: null, type: 'contact', fill: 0.6 },
      { name: 'Assignees', description: null, type: 'user', multiple: true, fill: 0.5 },
    ],
  },
];

/** How far back the oldest lead goes. */
export const HISTORY_DAYS = 3 * 365;

/**
 * `organizationId` reuses an existing organization row (one without leads); otherwise the id is
 * drawn from the id stream like every other id.
 */
export function planOrganization(options: {
  organizationName: string;
  seed: number;
  anchor: Date;
  leads: number;
  organizationId?: string;
}): OrganizationPlan {
  const vocabulary = getVocabulary();
  const contentKey = hashString(`content:${options.seed}`);
  const idKey = hashString(`ids:${options.seed}:${options.organizationName.trim().toLowerCase()}`);
  const random = new Random(contentKey, ORGANIZATION_STREAM);
  const ids = new Random(idKey, ORGANIZATION_STREAM);
  const anchor = options.anchor.getTime() * 1000;
  const createdAt = anchor - (HISTORY_DAYS + 30) * MICROS_PER_DAY;
  const domain = `${slugify(options.organizationName) || 'example'}.example.com`;

  const users: PlannedUser[] = [];
  const userCount = random.between(5, 10);
  const people = vocabulary.peopleByLocale.en;
  const emails = new Set<string>();
  while (users.length < userCount) {
    const first = random.pick(people.first);
    const last = random.pick(people.last);
    const email = `${first.slug}.${last.slug}@${domain}`;
    if (emails.has(email)) continue;
    emails.add(email);
    users.push({
      id: newId('user', ids.byte),
      firstName: first.text,
      lastName: last.text,
      name: `${first.text} ${last.text}`,
      email,
      phone: `+1628200${String(1000 + users.length * 37)}`,
      createdAt: createdAt + random.int(30) * MICROS_PER_DAY,
    });
  }

  const leadStatuses = LEAD_STATUSES.map(([label], position) => ({ id: newId('stat', ids.byte), label, position }));
  const pipelines = PIPELINES.map((pipeline, position) => {
    const id = newId('pipe', ids.byte);
    const statuses = pipeline.statuses.map(([label, type], statusPosition) => ({
      id: newId('stat', ids.byte), label, type, position: statusPosition, pipelineId: id,
    }));
    return { id, name: pipeline.name, position, statuses };
  });

  const customFields: PlannedCustomField[] = [];
  const define = (specs: readonly CustomFieldSpec[], owner: CustomFieldOwner, customObjectTypeId: string | null) =>
    specs.map((spec, position) => {
      const field: PlannedCustomField = { ...spec, id: newId('cf', ids.byte), owner, customObjectTypeId, position };
      customFields.push(field);
      return field;
    });
  const leadFields = define(LEAD_FIELDS, 'lead', null);
  const contactFields = define(CONTACT_FIELDS, 'contact', null);
  const opportunityFields = define(OPPORTUNITY_FIELDS, 'opportunity', null);
  const customObjectTypes = CUSTOM_OBJECT_TYPES.map((type) => {
    const id = newId('cotype', ids.byte);
    return { id, key: type.key, name: type.name, namePlural: type.namePlural, description: type.description, fields: define(type.fields, 'custom_object', id) };
  });

  return {
    organizationId: options.organizationId ?? newId('orga', ids.byte),
    organizationName: options.organizationName,
    domain,
    anchor,
    leadsTotal: options.leads,
    createdAt,
    contentKey,
    idKey,
    users,
    userWeights: new Weighted(users.map((user, i) => [user, users.length - i + 2] as const)),
    leadStatuses,
    leadStatusWeights: new Weighted(leadStatuses.map((status, i) => [status, LEAD_STATUSES[i][1]] as const)),
    pipelines,
    customObjectTypes,
    customFields,
    leadFields,
    contactFields,
    opportunityFields,
  };
}
