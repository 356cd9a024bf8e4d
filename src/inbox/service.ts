import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { BUILDER_NAMES } from '../contracts/builds';
import type { Database } from '../db/client';
import type { Organization } from '../db/organizations';
import { findReviewer } from '../db/people';
import { agentInvocations, invocationRequests, issues, skillBuilds } from '../db/schema';
import { roleRefusal } from '../identity/acting';
import { gateAction, type PersonAction } from '../identity/scopes';
import { toIso } from '../time';
import type { PendingHuman } from '../../workflows/definitions';

/** One thing waiting for a person: an issue's gate, question, budget or command, a skill run's question or review, or a build's decision. */
export interface InboxItem {
  kind: 'issue' | 'invocation' | 'build';
  /** The issue's, the skill run's or the build's id (what the approval and answer endpoints take). */
  id: string;
  title: string;
  waitingFor: 'approval' | 'question' | 'budget' | 'review' | 'command';
  gate: 'plan' | 'final' | null;
  questionId: string | null;
  /** The question or the output to review, as the agent put it. */
  prompt: string | null;
  draftAnswer: string | null;
  priority: string | null;
  since: string;
  deadline: string | null;
  reminded: boolean;
  escalated: boolean;
  /** Where to see it whole. */
  path: string;
}

/** Items at most: the soonest deadlines first. */
export const INBOX_LIMIT = 200;

const ISSUE_WAITS = ['awaiting_approval', 'awaiting_answer', 'awaiting_budget'];

/**
 * What waits for a person (README "Reviewer's inbox"). With a personal key: the waits that
 * person's role may settle under the organization's permissions (a reviewer does not see budget
 * raises an admin must make). With a service key: every wait of the organization.
 */
export function createInboxService(db: Database) {
  return {
    async inbox(organization: Organization, personUserId: string | null): Promise<{ person: { userId: string; role: string } | null; items: InboxItem[] }> {
      const [person, issueRows, requestRows, buildRows] = await Promise.all([
        personUserId ? findReviewer(db, organization.id, personUserId) : undefined,
        db
          .select({ id: issues.id, title: issues.title, priority: issues.priority, pending: issues.pending, updatedAt: issues.updatedAt })
          .from(issues)
          .where(and(eq(issues.organizationId, organization.id), inArray(issues.status, ISSUE_WAITS), isNotNull(issues.pending)))
          .orderBy(sql`${issues.pending}->>'deadline'`)
          .limit(INBOX_LIMIT),
        db
          .select({ invocationId: invocationRequests.invocationId, toolUseId: invocationRequests.toolUseId, kind: invocationRequests.kind, prompt: invocationRequests.prompt, createdAt: invocationRequests.createdAt, skill: agentInvocations.skillSlug })
          .from(invocationRequests)
          .innerJoin(agentInvocations, eq(agentInvocations.id, invocationRequests.invocationId))
          .where(and(eq(invocationRequests.organizationId, organization.id), eq(invocationRequests.status, 'pending')))
          .orderBy(asc(invocationRequests.createdAt))
          .limit(INBOX_LIMIT),
        db
          .select({ id: skillBuilds.id, kind: skillBuilds.kind, skill: skillBuilds.skillSlug, description: skillBuilds.description, round: skillBuilds.round, updatedAt: skillBuilds.updatedAt })
          .from(skillBuilds)
          .where(and(eq(skillBuilds.organizationId, organization.id), eq(skillBuilds.status, 'awaiting_approval')))
          .orderBy(asc(skillBuilds.updatedAt))
          .limit(INBOX_LIMIT),
      ]);
      // A personal key whose person was removed sees nothing it could act on.
      if (personUserId && !person) return { person: null, items: [] };
      const may = (action: PersonAction) => !person || roleRefusal(organization, person, [action]) === undefined;
      const items: InboxItem[] = [];
      for (const row of issueRows) {
        const pending = row.pending as PendingHuman;
        const common = { kind: 'issue' as const, id: row.id, title: row.title, priority: row.priority, since: pending.since ?? toIso(row.updatedAt), deadline: pending.deadline || null, reminded: Boolean(pending.reminded), escalated: Boolean(pending.escalated), path: `/api/issues/${row.id}` };
        if (pending.kind === 'approval' && may(gateAction(pending.gate))) items.push({ ...common, waitingFor: 'approval', gate: pending.gate, questionId: null, prompt: null, draftAnswer: null });
        if (pending.kind === 'question' && may('answer')) items.push({ ...common, waitingFor: 'question', gate: null, questionId: pending.questionId, prompt: pending.question, draftAnswer: pending.draftAnswer });
        if (pending.kind === 'budget' && may('raiseBudget')) items.push({ ...common, waitingFor: 'budget', gate: null, questionId: null, prompt: `spent $${pending.spentUsd} of $${pending.budgetUsd}`, draftAnswer: null });
        if (pending.kind === 'command' && may('approveCommand')) items.push({ ...common, waitingFor: 'command', gate: null, questionId: null, prompt: `${pending.argv.join(' ')} (${pending.classification}: ${pending.reason})`, draftAnswer: null });
      }
      for (const row of requestRows) {
        if (!may(row.kind === 'question' ? 'answer' : 'reviewSkillRun')) continue;
        items.push({
          kind: 'invocation',
          id: row.invocationId,
          title: `skill ${row.skill}`,
          waitingFor: row.kind === 'question' ? 'question' : 'review',
          gate: null,
          questionId: null,
          prompt: row.prompt,
          draftAnswer: null,
          priority: null,
          since: toIso(row.createdAt),
          deadline: null,
          reminded: false,
          escalated: false,
          path: `/api/invocations/${row.invocationId}`,
        });
      }
      if (may('publishSkill')) {
        for (const row of buildRows) {
          items.push({
            kind: 'build',
            id: row.id,
            title: `${BUILDER_NAMES[row.kind]}${row.skill ? ` ${row.skill}` : ''}, round ${row.round + 1}`,
            waitingFor: 'approval',
            gate: null,
            questionId: null,
            prompt: row.description.slice(0, 500),
            draftAnswer: null,
            priority: null,
            since: toIso(row.updatedAt),
            deadline: null,
            reminded: false,
            escalated: false,
            path: `/api/builds/${row.id}`,
          });
        }
      }
      // Soonest deadline first; those without one (skill runs, builds) after, oldest first.
      items.sort((a, b) => (a.deadline ?? '\uffff').localeCompare(b.deadline ?? '\uffff') || a.since.localeCompare(b.since));
      return { person: person ? { userId: person.userId, role: person.role } : null, items: items.slice(0, INBOX_LIMIT) };
    },
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
