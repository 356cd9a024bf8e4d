import type { NotificationKind } from '../contracts/notifications';
import { notificationEvent } from '../contracts/notifications';

/**
 * What a notice says on each channel. Issue text (the title, an agent's question) comes from
 * whoever filed the issue and from the model: it is capped everywhere, and for Slack its
 * mrkdwn control characters are escaped, so a title cannot ping `<!channel>` / `<!here>`,
 * mention `<@U123>` or hide a link `<https://evil|click>`.
 */

/** What a notice is about, as the notifications row keeps it. */
export interface NoticeDetails {
  /** What is awaited: "final approval", "an answer", "a budget raise". */
  awaiting?: string;
  /** Until when (ISO time): then the issue ends. */
  deadline?: string;
  gate?: string;
  questionId?: string;
  question?: string;
}

export interface Notice {
  /** The notification row's id: the event's id on every channel. */
  id: string;
  organizationId: string;
  kind: NotificationKind;
  message: string;
  recipients: string[];
  details: NoticeDetails;
  createdAt: string;
  issue: { id: string; externalId: string | null; source: string | null; title: string; priority: string | null; status: string | null; trackingUrl: string };
}

export const LIMITS = { title: 300, message: 1000, question: 2000, awaiting: 200, slackSection: 2900, slackText: 3000 } as const;

const KIND_TITLES: Record<NotificationKind, string> = {
  reminder: 'Reminder',
  escalation: 'Escalation',
  approval_needed: 'Approval needed',
  question_asked: 'Question asked',
};
const KIND_EMOJI: Record<NotificationKind, string> = {
  reminder: ':alarm_clock:',
  escalation: ':rotating_light:',
  approval_needed: ':raised_hand:',
  question_asked: ':question:',
};

/** At most `max` characters, with an ellipsis when cut. */
export function cap(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Slack's three control characters as entities (its documented escaping): `&`, `<`, `>`. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Untrusted text for Slack: escaped, then capped without cutting an entity in half. */
export function slackText(text: string, max: number): string {
  return capEscaped(escapeSlack(text), max);
}

/** Escaped text capped at `max` characters; an entity cut at the end is dropped whole. */
function capEscaped(escaped: string, max: number): string {
  if (Array.from(escaped).length <= max) return escaped;
  return `${Array.from(escaped).slice(0, max - 1).join('').replace(/&[a-z]{0,3}$/, '')}…`;
}

/** The JSON our signed webhook receives. */
export function webhookBody(notice: Notice, deliveryId: string): Record<string, unknown> {
  const { details } = notice;
  return {
    event: notificationEvent(notice.kind),
    eventId: notice.id,
    deliveryId,
    organizationId: notice.organizationId,
    kind: notice.kind,
    message: cap(notice.message, LIMITS.message),
    awaiting: details.awaiting ? cap(details.awaiting, LIMITS.awaiting) : null,
    deadline: details.deadline ?? null,
    ...(details.gate ? { gate: details.gate } : {}),
    ...(details.questionId ? { questionId: details.questionId } : {}),
    ...(details.question ? { question: cap(details.question, LIMITS.question) } : {}),
    recipients: notice.recipients,
    issue: { ...notice.issue, title: cap(notice.issue.title, LIMITS.title) },
    occurredAt: notice.createdAt,
  };
}

/** A Slack incoming-webhook message: `text` (the fallback and the notification) and blocks. */
export function slackMessage(notice: Notice): { text: string; blocks: Array<Record<string, unknown>> } {
  const { details, issue } = notice;
  const title = slackText(issue.title, LIMITS.title);
  // Our own URL (PUBLIC_BASE_URL and a uuid), escaped all the same: `&` must be `&amp;` in a link.
  const link = `<${escapeSlack(issue.trackingUrl)}|${title}>`;
  const headline = `${KIND_EMOJI[notice.kind]} *${KIND_TITLES[notice.kind]}*${details.awaiting ? `: ${slackText(details.awaiting, LIMITS.awaiting)}` : ''}`;
  const lines = [headline, `*${link}*`];
  if (details.question) lines.push(`> ${slackText(details.question, LIMITS.question).replace(/\n/g, '\n> ')}`);
  if (notice.kind === 'escalation' || notice.kind === 'reminder') lines.push(slackText(notice.message, LIMITS.message));
  const deadline = details.deadline ? Date.parse(details.deadline) : Number.NaN;
  const context = [
    // Slack shows the date in each reader's own time zone; the ISO time is the fallback.
    Number.isFinite(deadline) ? `Deadline: <!date^${Math.floor(deadline / 1000)}^{date_short_pretty} {time}|${escapeSlack(details.deadline as string)}>` : null,
    issue.priority ? `Priority: ${slackText(issue.priority, 20)}` : null,
    issue.externalId ? `${slackText(issue.source ?? 'issue', 20)} ${slackText(issue.externalId, 100)}` : null,
  ].filter((part): part is string => part !== null);
  const section = capEscaped(lines.join('\n'), LIMITS.slackSection);
  const fallback = `${KIND_TITLES[notice.kind]}${details.awaiting ? ` (${slackText(details.awaiting, LIMITS.awaiting)})` : ''}: ${title}${details.deadline ? ` — until ${escapeSlack(details.deadline)}` : ''}`;
  return {
    text: capEscaped(fallback, LIMITS.slackText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: section } },
      ...(context.length > 0 ? [{ type: 'context', elements: context.map((text) => ({ type: 'mrkdwn', text })) }] : []),
    ],
  };
}
