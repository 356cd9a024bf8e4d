/**
 * Where a finished change is published. Two adapters: GitHub (octokit) and local (a bare
 * git repository as the remote, pull requests as Postgres rows) for the offline demo and
 * tests. Every method is safe to call again: `findPullRequest` is how a retry discovers
 * that its first attempt already succeeded.
 */
export interface PullRequestRef {
  number: number;
  url: string;
  head: string;
  base: string;
  state: string;
}

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  labels: string[];
}

export interface CodeHost {
  readonly kind: 'local' | 'github';
  /**
   * Pushes the branch from the issue's mirror — the worker's own bare repository, never the
   * workspace the agent wrote — to the configured remote, forced: the branch belongs to the issue.
   */
  pushBranch(input: { mirror: string; branch: string; remote: string }): Promise<{ sha: string }>;
  /** The pull request whose head is `branch`, open or not. */
  findPullRequest(branch: string): Promise<PullRequestRef | undefined>;
  createPullRequest(input: NewPullRequest): Promise<PullRequestRef>;
  /** A comment on an issue of the host (GitHub issues); the local host has none. */
  commentOnIssue(issueNumber: number, body: string): Promise<{ id: number; url: string } | undefined>;
}
