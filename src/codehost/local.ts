import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { localPullRequests } from '../db/schema';
import { branchTip, git } from '../workspace/git';
import type { CodeHost, NewPullRequest, PullRequestRef } from './code-host';

/** A bare repository as the remote and pull requests in Postgres: the offline code host. */
export function createLocalCodeHost(deps: { db: Database; organizationId: string; remote: string }): CodeHost {
  const repository = path.resolve(deps.remote);
  const toRef = (row: typeof localPullRequests.$inferSelect): PullRequestRef => ({
    number: row.number,
    url: `local://${path.basename(repository)}/pull/${row.number}`,
    head: row.head,
    base: row.base,
    state: row.state,
  });

  return {
    kind: 'local',
    // The remote is the one this host was made for, resolved to an absolute path above.
    async pushBranch({ mirror, branch }) {
      await git(mirror, ['push', '--quiet', '--force', '--', repository, `refs/heads/${branch}:refs/heads/${branch}`]);
      return { sha: await branchTip(mirror, branch) };
    },
    async findPullRequest(branch) {
      const [row] = await deps.db
        .select()
        .from(localPullRequests)
        .where(and(eq(localPullRequests.repository, repository), eq(localPullRequests.head, branch)));
      return row ? toRef(row) : undefined;
    },
    async createPullRequest(input: NewPullRequest) {
      // The unique (repository, head) index makes a concurrent duplicate fail; number is max + 1.
      const [row] = await deps.db
        .insert(localPullRequests)
        .values({
          organizationId: deps.organizationId,
          repository,
          number: sql`(select coalesce(max(${localPullRequests.number}), 0) + 1 from ${localPullRequests} where ${localPullRequests.repository} = ${repository})`,
          head: input.head,
          base: input.base,
          title: input.title,
          body: input.body,
          draft: input.draft ? 1 : 0,
          labels: input.labels,
        })
        .returning();
      if (!row) throw new Error('pull request insert returned no row');
      return toRef(row);
    },
    async commentOnIssue() {
      return undefined;
    },
  };
}
