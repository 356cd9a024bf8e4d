import type { CodeHost, NewPullRequest, PullRequestRef } from './code-host';
import { branchTip, git } from '../workspace/git';
import { ATTR, recordHttpStatus, serverAttributes, withClientSpan } from '../telemetry/spans';

export interface GitHubHostOptions {
  token: string;
  owner: string;
  repo: string;
  /** API base, e.g. https://api.github.com or a GitHub Enterprise / test server URL. */
  apiUrl: string;
}

type OctokitClient = {
  request: (route: string, params?: Record<string, unknown>) => Promise<{ data: unknown }>;
};

/**
 * GitHub through octokit (REST). The token pushes the branch (as an HTTP header, never in
 * a URL or a log) and opens the pull request. @octokit/core (the client at the heart of
 * `octokit`; we need only its REST requests) is ESM-only: it is loaded here, on
 * first use, and nowhere else.
 */
export function createGitHubCodeHost(options: GitHubHostOptions): CodeHost {
  let client: Promise<OctokitClient> | undefined;
  const octokit = () =>
    (client ??= import('@octokit/core').then(({ Octokit }) => traced(new Octokit({ auth: options.token, baseUrl: options.apiUrl }) as unknown as OctokitClient, options)));
  const repo = { owner: options.owner, repo: options.repo };
  const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
  const toRef = (pr: { number: number; html_url: string; head: { ref: string }; base: { ref: string }; state: string }): PullRequestRef => ({
    number: pr.number,
    url: pr.html_url,
    head: pr.head.ref,
    base: pr.base.ref,
    state: pr.state,
  });

  return {
    kind: 'github',
    async pushBranch({ mirror, branch, remote }) {
      await withClientSpan('git push', () => ({ ...serverAttributes(remote), [ATTR.repository]: `${options.owner}/${options.repo}` }), () =>
        git(mirror, ['push', '--quiet', '--force', '--', remote, `refs/heads/${branch}:refs/heads/${branch}`], {
          config: [`http.extraHeader=Authorization: Basic ${basic}`],
        }),
      );
      return { sha: await branchTip(mirror, branch) };
    },
    async findPullRequest(branch) {
      const { data } = await (await octokit()).request('GET /repos/{owner}/{repo}/pulls', {
        ...repo,
        head: `${options.owner}:${branch}`,
        state: 'all',
        per_page: 1,
      });
      const [pr] = data as Array<Parameters<typeof toRef>[0]>;
      return pr ? toRef(pr) : undefined;
    },
    async createPullRequest(input: NewPullRequest) {
      const api = await octokit();
      const { data } = await api.request('POST /repos/{owner}/{repo}/pulls', {
        ...repo,
        head: input.head,
        base: input.base,
        title: input.title,
        body: input.body,
        draft: input.draft,
      });
      const pr = data as Parameters<typeof toRef>[0];
      if (input.labels.length > 0) {
        await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { ...repo, issue_number: pr.number, labels: input.labels });
      }
      return toRef(pr);
    },
    async commentOnIssue(issueNumber, body) {
      const { data } = await (await octokit()).request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: issueNumber,
        body,
      });
      const comment = data as { id: number; html_url: string };
      return { id: comment.id, url: comment.html_url };
    },
  };
}

/**
 * Each REST call in a CLIENT span named by its route template (`POST /repos/{owner}/{repo}/pulls`):
 * method, template, host, status and repository — never the token, the parameters or the body.
 * Tracing off: the client itself.
 */
function traced(client: OctokitClient, options: GitHubHostOptions): OctokitClient {
  const attributes = (route: string) => () => {
    const [method = 'GET', template = route] = route.split(' ');
    return { ...serverAttributes(options.apiUrl), [ATTR.httpMethod]: method, [ATTR.urlTemplate]: template, [ATTR.repository]: `${options.owner}/${options.repo}` };
  };
  return {
    request: (route, params) =>
      withClientSpan(route, attributes(route), async (span) => {
        const response = await client.request(route, params);
        recordHttpStatus(span, (response as { status?: number }).status ?? 200);
        return response;
      }),
  };
}
