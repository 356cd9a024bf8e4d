import type { IssueStatus } from '../src/contracts/issue';
import type { Database } from '../src/db/client';
import { recordIssueOutcome } from '../src/db/issues';
import { appendLog } from '../src/db/logs';

export interface FinishIssueInput {
  issueId: string;
  organizationId: string;
  status: IssueStatus;
  summary: string;
  error: string | null;
}

/** Postgres bookkeeping the workflow asks for outside the stages. */
export function createBookkeepingActivities(deps: { db: Database }) {
  return {
    /** Records the final status. Idempotent: a retry rewrites the same values. */
    async finishIssue(input: FinishIssueInput): Promise<void> {
      const ref = { organizationId: input.organizationId, issueId: input.issueId };
      await recordIssueOutcome(deps.db, ref, input);
      await appendLog(deps.db, {
        ...ref,
        level: input.status === 'failed' ? 'ERROR' : 'INFO',
        message: `issue ${input.status}${input.error ? `: ${input.error}` : ''}`,
      });
    },
  };
}
