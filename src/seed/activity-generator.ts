import {
  between,
  escapeHtml,
  formatMoney,
  noteText,
  sentence,
  someUser,
  type GeneratedContact,
  type LeadContext,
} from './lead-context.js';
import type { PlannedLeadStatus, PlannedUser } from './organization-plan.js';
import { Weighted } from './random.js';
import { MICROS_PER_DAY, MICROS_PER_MINUTE, MICROS_PER_SECOND, isoDate, isoMinute, isoTimestamp, pgTimestamp } from './time-format.js';

export const ACTIVITY_TYPES = [
  'Note', 'Call', 'Email', 'SMS', 'Meeting', 'LeadStatusChange', 'OpportunityStatusChange', 'Created', 'TaskCompleted',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** The most activities a lead gets. */
export const MAX_ACTIVITIES = 30;

/** After the lead's `Created`, what happens on it. Types that need something the lead lacks become notes. */
const FOLLOW_UP_TYPES = new Weighted<ActivityType>([
  ['Email', 30], ['Call', 20], ['Note', 14], ['SMS', 8], ['Meeting', 8], ['LeadStatusChange', 8],
  ['OpportunityStatusChange', 6], ['TaskCompleted', 6],
]);

const CALL_STATUSES = new Weighted([['completed', 70], ['no-answer', 15], ['busy', 6], ['failed', 3], ['cancel', 3], ['timeout', 3]] as const);
const OUTGOING_EMAIL_STATUSES = new Weighted([['sent', 86], ['draft', 4], ['scheduled', 4], ['outbox', 2], ['error', 4]] as const);
const MEETING_OUTCOMES = new Weighted([['completed', 74], ['canceled', 12], ['declined-by-lead', 9], ['declined-by-org', 5]] as const);
const EMAIL_SUBJECTS = [
  'Quick question about {company}', 'Re: Proposal for {company}', 'Following up', 'Demo recap – {company}',
  'Pricing, as discussed', 'Intro: {first} <> our team', 'Re: "Enterprise" plan questions', 'Invoice #{n}',
  'Contrat de service – {company}', 'Next steps', 'Your trial ends soon', 'Re: Re: security questionnaire',
];
const TEMPLATES = ['Cold outreach v2', 'Follow-up #1', 'Break-up email', 'Demo recap', 'Renewal reminder'];
const MEETING_TOPICS = ['Discovery call', 'Product demo', 'Pricing review', 'Kick-off', 'QBR', 'Technical deep dive'];

type PlannedActivity = { type: ActivityType; at: number; build: () => ActivityFields };
type ActivityFields = {
  contact: GeneratedContact | null;
  user: PlannedUser | null;
  direction?: string | null;
  status?: string | null;
  duration?: number | null;
  data: Record<string, unknown>;
};

/**
 * 0–30 activities of a lead, skewed towards few (most leads see little traffic, some a lot),
 * with the type-specific fields of spec §4.6 in `data`. The first is always `Created`, at the
 * lead's creation; lead status changes form a chain from the first status to the lead's current
 * one; opportunity status changes and completed tasks point at the lead's own records.
 * Returns the latest activity instant in the past (the lead's last update), or 0.
 */
export function generateActivities(context: LeadContext, leadStatus: PlannedLeadStatus, leadCreatedBy: PlannedUser | null): number {
  const { random, plan } = context;
  // A few leads were never touched (not even created through the app); the rest skew towards few.
  if (random.chance(0.06)) return 0;
  const count = 1 + Math.floor(MAX_ACTIVITIES * random.float() ** 4);

  const planned: PlannedActivity[] = [
    { type: 'Created', at: context.createdAt, build: () => ({ contact: null, user: leadCreatedBy, data: {} }) },
  ];
  const statusChanges: Array<{ at: number; data: Record<string, unknown> }> = [];
  for (let i = 1; i < count; i++) {
    let type = FOLLOW_UP_TYPES.draw(random);
    if (type === 'OpportunityStatusChange' && context.opportunities.length === 0) type = 'Note';
    if (type === 'TaskCompleted' && context.completedTasks.length === 0) type = 'Note';
    planned.push(planActivity(context, type, statusChanges));
  }

  // The chain of status changes, in time order, ends at the lead's current status: built from
  // the last change backwards, each change's old status is the new status of the one before.
  statusChanges.sort((a, b) => a.at - b.at);
  let next = leadStatus;
  for (let i = statusChanges.length - 1; i >= 0; i--) {
    let old = plan.leadStatusWeights.draw(random);
    if (old.id === next.id) old = plan.leadStatuses[(next.position + 1) % plan.leadStatuses.length];
    Object.assign(statusChanges[i].data, {
      old_status_id: old.id,
      old_status_label: old.label,
      new_status_id: next.id,
      new_status_label: next.label,
    });
    next = old;
  }

  let lastPast = 0;
  for (const activity of planned) {
    const fields = activity.build();
    const id = context.ids.next('acti');
    const userId = fields.user?.id ?? null;
    // Future meetings are booked before they happen; everything else is logged when it happens.
    const created = activity.at <= plan.anchor ? activity.at : between(random, Math.max(context.createdAt, plan.anchor - 14 * MICROS_PER_DAY), plan.anchor);
    if (activity.at <= plan.anchor && activity.at > lastPast) lastPast = activity.at;
    context.batch.add('activities', [
      id, plan.organizationId, context.leadId, fields.contact?.id ?? null, userId, activity.type,
      fields.direction ?? null, fields.status ?? null, fields.duration ?? null, pgTimestamp(activity.at),
      fields.data, pgTimestamp(created), pgTimestamp(created), userId, userId,
    ]);
  }
  return lastPast;
}

function planActivity(
  context: LeadContext,
  type: ActivityType,
  statusChanges: Array<{ at: number; data: Record<string, unknown> }>,
): PlannedActivity {
  const { random, plan } = context;
  const anytime = () => between(random, context.createdAt + MICROS_PER_MINUTE, plan.anchor);
  switch (type) {
    case 'LeadStatusChange': {
      const change = { at: anytime(), data: {} as Record<string, unknown> };
      statusChanges.push(change);
      const user = someUser(context, 0.95);
      return { type, at: change.at, build: () => ({ contact: null, user, data: change.data }) };
    }
    case 'OpportunityStatusChange': {
      const opportunity = random.pick(context.opportunities);
      const at = opportunity.decidedAt ?? between(random, opportunity.createdAt, plan.anchor);
      return { type, at, build: () => opportunityStatusChange(context, opportunity) };
    }
    case 'TaskCompleted': {
      const task = random.pick(context.completedTasks);
      return {
        type,
        at: task.completedAt,
        build: () => ({
          contact: null,
          user: task.assignedTo,
          data: { task_id: task.id, task_text: task.text, task_assigned_to: task.assignedTo?.id ?? null, task_assigned_to_name: task.assignedTo?.name ?? null },
        }),
      };
    }
    case 'Meeting': {
      const upcoming = random.chance(0.12);
      const at = upcoming
        ? plan.anchor + Math.floor((0.5 + random.float() * 30) * MICROS_PER_DAY)
        : anytime();
      const rounded = at - (at % (15 * MICROS_PER_MINUTE));
      return { type, at: rounded, build: () => meeting(context, rounded, upcoming) };
    }
    case 'Call': {
      const at = anytime();
      return { type, at, build: () => call(context, at) };
    }
    case 'Email': {
      const at = anytime();
      return { type, at, build: () => email(context, at) };
    }
    case 'SMS': {
      const at = anytime();
      return { type, at, build: () => sms(context, at) };
    }
    case 'Note':
    case 'Created': {
      const at = anytime();
      return { type: 'Note', at, build: () => note(context) };
    }
  }
}

function someContact(context: LeadContext, share: number): GeneratedContact | null {
  return context.contacts.length > 0 && context.random.chance(share) ? context.random.pick(context.contacts) : null;
}

function remotePhone(context: LeadContext, contact: GeneratedContact | null): { phone: string; country: string } {
  if (contact && contact.phones.length > 0) return contact.phones[0];
  const city = context.random.pick(context.country.cities);
  return { phone: city.phonePrefix + String(2 + context.random.int(8)) + digits(context, city.phoneDigits - 1), country: context.country.code };
}

function digits(context: LeadContext, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(context.random.int(10));
  return text;
}

function note(context: LeadContext): ActivityFields {
  const text = noteText(context);
  const html = `<body>${text.split('\n').map((line) => `<p>${escapeHtml(line)}</p>`).join('')}</body>`;
  return { contact: someContact(context, 0.3), user: someUser(context, 0.97), data: { note: text, note_html: html } };
}

function call(context: LeadContext, at: number): ActivityFields {
  const { random } = context;
  const contact = someContact(context, 0.9);
  const user = someUser(context, 0.97);
  const direction = random.chance(0.65) ? 'outbound' : 'inbound';
  const status = CALL_STATUSES.draw(random);
  const completed = status === 'completed';
  const duration = completed ? Math.round(20 + 3000 * random.float() ** 3) : 0;
  const remote = remotePhone(context, contact);
  const local = user?.phone ?? '+16282009999';
  const voicemail = !completed && direction === 'outbound' && status === 'no-answer' && random.chance(0.5);
  const data: Record<string, unknown> = {
    phone: remote.phone,
    local_phone: local,
    remote_phone: remote.phone,
    source: random.chance(0.85) ? 'Close.io' : 'External',
    disposition: completed ? 'answered' : voicemail ? 'vm-left' : status,
    note: completed && random.chance(0.4) ? noteText(context) : '',
    recording_url: completed && random.chance(0.5) ? `https://recordings.example.com/${isoDate(at)}/${digits(context, 10)}.mp3` : null,
  };
  if (voicemail) {
    data.voicemail_duration = random.between(8, 90);
    data.voicemail_url = `https://voicemail.example.com/${digits(context, 12)}.mp3`;
  }
  return { contact, user, direction, status, duration, data };
}

function email(context: LeadContext, at: number): ActivityFields {
  const { random } = context;
  const contact = someContact(context, 0.95);
  const user = someUser(context, 0.95);
  const outgoing = random.chance(0.62);
  const status = outgoing ? OUTGOING_EMAIL_STATUSES.draw(random) : 'inbox';
  const them = {
    email: contact?.emails[0] ?? `info@${context.domain}`,
    name: contact?.name ?? '',
  };
  const us = { email: user?.email ?? `sales@${context.plan.domain}`, name: user?.name ?? 'Sales' };
  const [from, to] = outgoing ? [us, them] : [them, us];
  const subject = random
    .pick(EMAIL_SUBJECTS)
    .replace('{company}', context.companyName)
    .replace('{first}', contact?.first.text ?? 'there')
    .replace('{n}', String(random.between(1000, 99999)));
  const greeting = `Hi ${to.name ? to.name.split(' ')[0] : 'there'},`;
  const body = `${greeting}\n\n${noteText(context)}\n\nBest,\n${from.name || from.email}`;
  const cc = random.chance(0.15) && context.contacts.length > 1 ? [random.pick(context.contacts).emails[0]].filter(Boolean) : [];
  const sent = status === 'sent' || status === 'inbox';
  const data: Record<string, unknown> = {
    subject,
    body_text: body,
    sender: from.name ? `"${from.name}" <${from.email}>` : from.email,
    to: [to.email],
    cc,
    bcc: [],
    envelope: {
      from: [from],
      to: [to],
      message_id: `<${digits(context, 16)}@mail.${outgoing ? context.plan.domain : context.domain}>`,
    },
    template_name: outgoing && random.chance(0.3) ? random.pick(TEMPLATES) : null,
    date_sent: sent ? isoTimestamp(at) : null,
    opens_summary: outgoing && sent && random.chance(0.6) ? `Opened ${random.between(1, 9)} times` : null,
    has_reply: random.chance(0.25),
    attachments: random.chance(0.08)
      ? [{ filename: `Proposal – ${context.companyName}.pdf`, size: random.between(20_000, 4_000_000), content_type: 'application/pdf' }]
      : [],
  };
  return { contact, user, direction: outgoing ? 'outgoing' : 'incoming', status, data };
}

function sms(context: LeadContext, at: number): ActivityFields {
  const { random } = context;
  const contact = someContact(context, 0.95);
  const user = someUser(context, 0.95);
  const outbound = random.chance(0.6);
  const status = outbound ? (random.chance(0.93) ? 'sent' : random.pick(['error', 'scheduled'])) : 'inbox';
  const remote = remotePhone(context, contact);
  const text = random.chance(0.2)
    ? random.pick(context.vocabulary.trickyTexts)
    : outbound
      ? `Hi ${contact?.first.text ?? 'there'}, ${random.pick(['are we still on for tomorrow?', 'just sent the proposal 👍', 'call me back when you can', 'thanks for your time today!'])}`
      : random.pick(['Sounds good', 'Can we move it to Friday?', 'Who is this?', 'Yes, 3pm works', 'Merci !']);
  return {
    contact,
    user,
    direction: outbound ? 'outbound' : 'inbound',
    status,
    data: {
      text,
      local_phone: user?.phone ?? '+16282009999',
      remote_phone: remote.phone,
      local_country_iso: 'US',
      remote_country_iso: remote.country,
      date_sent: status === 'sent' || status === 'inbox' ? isoTimestamp(at) : null,
      source: 'Close.io',
    },
  };
}

function meeting(context: LeadContext, at: number, upcoming: boolean): ActivityFields {
  const { random, plan } = context;
  const contact = someContact(context, 0.9);
  const user = someUser(context, 0.98);
  const duration = random.pick([15, 30, 30, 30, 45, 60, 60, 90]) * 60;
  const status = upcoming ? 'upcoming' : MEETING_OUTCOMES.draw(random);
  const attendees: Array<Record<string, unknown>> = [];
  if (user) attendees.push({ user_id: user.id, contact_id: null, email: user.email, name: user.name, is_organizer: true, status: 'yes' });
  if (contact) {
    attendees.push({
      user_id: null, contact_id: contact.id, email: contact.emails[0] ?? null, name: contact.name,
      is_organizer: false, status: status === 'declined-by-lead' ? 'no' : upcoming ? 'noreply' : 'yes',
    });
  }
  const online = random.chance(0.7);
  const url = `https://zoom.us/j/${digits(context, 10)}`;
  return {
    contact,
    user,
    status,
    duration,
    data: {
      title: `${random.pick(MEETING_TOPICS)}: ${context.companyName} <> ${plan.organizationName}`,
      starts_at: isoMinute(at),
      ends_at: isoMinute(at + duration * MICROS_PER_SECOND),
      location: online ? 'Zoom' : `${context.companyName} office`,
      attendees,
      source: 'calendar',
      conference_links: online ? [{ type: 'zoom', url }] : [],
      actual_duration: status === 'completed' ? Math.max(60, duration + random.between(-600, 900)) : null,
      user_note: status === 'completed' && random.chance(0.3) ? sentence(random.pick(context.vocabulary.buzzPhrases)) : null,
    },
  };
}

function opportunityStatusChange(context: LeadContext, opportunity: LeadContext['opportunities'][number]): ActivityFields {
  const { random, plan } = context;
  const pipeline = plan.pipelines.find((p) => p.id === opportunity.status.pipelineId)!;
  const actives = pipeline.statuses.filter((s) => s.type === 'active' && s.id !== opportunity.status.id);
  const old = random.pick(actives.length > 0 ? actives : pipeline.statuses);
  const next = opportunity.status;
  return {
    contact: null,
    user: someUser(context, 0.95),
    data: {
      opportunity_id: opportunity.id,
      old_status_id: old.id,
      old_status_label: old.label,
      old_status_type: old.type,
      new_status_id: next.id,
      new_status_label: next.label,
      new_status_type: next.type,
      opportunity_value: opportunity.value,
      opportunity_value_currency: opportunity.currency,
      opportunity_value_formatted: opportunity.value === null ? null : formatMoney(opportunity.value, opportunity.currency),
      opportunity_value_period: opportunity.period,
      opportunity_confidence: opportunity.confidence,
      opportunity_date_won: opportunity.dateWon,
    },
  };
}
