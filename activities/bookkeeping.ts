import type { IssueStatus } from '../src/contracts/issue';
import type { PendingHuman } from '../workflows/definitions';
import type { Database } from '../src/db/client';
import { issueStatusWrite, recordIssueOutcome } from '../src/db/issues';
import { writeTogether } from '../src/db/together';
import { issues } from '../src/db/schema';
import { and, eq, sql } from 'drizzle-orm';
import { appendLog } from '../src/db/logs';
import { removeIssueRepositories } from '../src/workspace/git';
import type { TransferStore } from '../src/workspace/transfers';

export interface FinishIssueInput {
  issueId: string;
  organizationId: string;
  status: IssueStatus;
  summary: string;
  error: string | null;
}

/** Postgres bookkeeping the workflow asks for outside the stages. */
export function createBookkeepingActivities(deps: { db: Database; workspacesDir?: string; mirrorsDir?: string; transfers?: TransferStore }) {
  return {
    /**
     * Records a non-final status change (e.g. awaiting_approval) for lists and the ERP, with
     * what a person owes the issue while it waits (absent: nothing, the wait is over).
     */
    async recordIssueStatus(input: { issueId: string; organizationId: string; status: IssueStatus; pending?: PendingHuman | null }): Promise<void> {
      await writeTogether(deps.db, [issueStatusWrite(deps.db, input)]);
    },

    /** A person raised the issue's budget. */
    async recordIssueBudget(input: { issueId: string; organizationId: string; budgetUsd: number; reviewer: string }): Promise<void> {
      await deps.db
        .update(issues)
        .set({ budgetUsd: input.budgetUsd.toFixed(4), updatedAt: sql`now()` })
        .where(and(eq(issues.organizationId, input.organizationId), eq(issues.id, input.issueId)));
      await appendLog(deps.db, {
        organizationId: input.organizationId,
        issueId: input.issueId,
        level: 'INFO',
        message: `budget raised to $${input.budgetUsd} by ${input.reviewer}`,
      });
    },

    /**
     * Records the final status and removes the issue's workspace and mirror: the change is
     * pushed (or will never be), the diff is an artifact. Idempotent: a retry rewrites the
     * same values and finds nothing left to remove.
     */
    async finishIssue(input: FinishIssueInput): Promise<void> {
      const ref = { organizationId: input.organizationId, issueId: input.issueId };
      await recordIssueOutcome(deps.db, ref, input);
      if (deps.workspacesDir && deps.mirrorsDir) {
        await removeIssueRepositories({ workspacesRoot: deps.workspacesDir, mirrorsRoot: deps.mirrorsDir, ...ref });
      }
      // What was handed to and from a workspace pool (its hosts remove the workspace itself).
      await deps.transfers?.removeIssue(ref);
    },
  };
}
