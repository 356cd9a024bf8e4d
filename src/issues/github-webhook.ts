import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { findIssueByBusinessKey } from '../db/issues';
import { appendLog } from '../db/logs';
import type { Organization } from '../db/organizations';
import { findReviewer } from '../db/people';
import { organizations, webhookDeliveries } from '../db/schema';
import { AppError, errorMessage } from '../errors';
import { notAReviewer } from '../identity/acting';
import { audited } from '../identity/audit';
import { settingsOf } from '../contracts/policy';
import type { IssueService } from './service';

/**
 * POST /api/webhooks/github: the repository's webhook, verified with @octokit/webhooks
 * against the secret of the organization that owns the repository. `issues.labeled` with
 * the trigger label starts an issue (source github, external id = the issue number);
 * `issue_comment.created` carries commands from reviewers registered as `github:<login>`
 * (a namespace of their own, so a GitHub login can never pass for an ERP user id):
 * `/approve`, `/reject <reason>`, `/answer <text>`. Each event is handled once, keyed by what
 * GitHub signs (the comment id, the issue and label), not only by the unsigned delivery header.
 */

export interface GitHubWebhookHeaders {
  event: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
}

export const GITHUB_WEBHOOK_HEADERS = { event: 'x-github-event', delivery: 'x-github-delivery', signature: 'x-hub-signature-256' };

interface RepositoryPayload {
  repository?: { name?: string; owner?: { login?: string } };
}

export function createGitHubWebhookHandler(deps: { db: Database; issues: IssueService }) {
  const { db } = deps;

  async function organizationFor(owner: string, repo: string): Promise<Organization | undefined> {
    const [row] = await db
      .select()
      .from(organizations)
      .where(
        and(
          sql`${organizations.settings} -> 'repository' -> 'github' ->> 'owner' = ${owner}`,
          sql`${organizations.settings} -> 'repository' -> 'github' ->> 'repo' = ${repo}`,
        ),
      );
    return row;
  }

  return async function handle(headers: GitHubWebhookHeaders, rawBody: string): Promise<{ status: number; body: Record<string, unknown> }> {
    let payload: Record<string, unknown> & RepositoryPayload;
    try {
      payload = JSON.parse(rawBody) as typeof payload;
    } catch {
      throw new AppError('UNAUTHORIZED', 'invalid webhook signature'); // unverifiable is unauthenticated
    }
    const owner = payload.repository?.owner?.login;
    const repo = payload.repository?.name;
    const organization = owner && repo ? await organizationFor(owner, repo) : undefined;
    const github = organization ? settingsOf(organization.settings).repository.github : undefined;
    const { Webhooks } = await import('@octokit/webhooks');
    const verified =
      github?.webhookSecret && headers.signature
        ? await new Webhooks({ secret: github.webhookSecret }).verify(rawBody, headers.signature).catch(() => false)
        : false;
    if (!verified || !organization || !github) throw new AppError('UNAUTHORIZED', 'invalid webhook signature');
    if (!headers.deliveryId || !headers.event) throw new AppError('BAD_REQUEST', 'X-GitHub-Delivery and X-GitHub-Event are required');

    const claimed = await db
      .insert(webhookDeliveries)
      .values({ organizationId: organization.id, source: 'github', deliveryId: eventKey(headers.event, headers.deliveryId, payload), event: `${headers.event}.${String(payload['action'] ?? '')}` })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    if (claimed.length === 0) return { status: 200, body: { duplicate: true } };
    const claimId = (claimed[0] as { id: string }).id;
    let outcome: Record<string, unknown>;
    try {
      outcome = await process(organization, github.triggerLabel, headers.event, headers.deliveryId, payload);
    } catch (error) {
      // Not processed: give the delivery id back, so GitHub's redelivery is handled, not ignored.
      await db.delete(webhookDeliveries).where(eq(webhookDeliveries.id, claimId));
      throw error;
    }
    await db.update(webhookDeliveries).set({ outcome }).where(eq(webhookDeliveries.id, claimId));
    return { status: outcome['ignored'] ? 200 : 202, body: outcome };
  };

  async function process(organization: Organization, triggerLabel: string, event: string, deliveryId: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const action = payload['action'];
    const issue = payload['issue'] as { number: number; title: string; body?: string | null; labels?: Array<{ name: string }>; html_url?: string } | undefined;
    if (event === 'issues' && action === 'labeled' && issue) {
      const label = (payload['label'] as { name?: string } | undefined)?.name;
      if (label !== triggerLabel) return { ignored: `label ${label ?? '(none)'} is not ${triggerLabel}` };
      const labels = (issue.labels ?? []).map((l) => l.name.toLowerCase());
      const type = labels.includes('bug') ? 'bug' : labels.includes('enhancement') ? 'enhancement' : labels.includes('question') ? 'question' : 'task';
      const { issue: created, created: isNew } = await deps.issues.submit(organization, {
        source: 'github',
        externalId: String(issue.number),
        type,
        priority: labels.includes('priority: high') ? 'high' : 'medium',
        title: issue.title.slice(0, 300),
        description: (issue.body ?? '').slice(0, 50_000),
        context: { metadata: { githubUrl: issue.html_url ?? null, labels } },
      });
      return { issueId: created.id, workflowId: created.workflowId, created: isNew };
    }
    if (event === 'issue_comment' && action === 'created' && issue) {
      const comment = payload['comment'] as { body?: string; user?: { login?: string } } | undefined;
      const command = /^\/(approve|reject|answer)\b\s*([\s\S]*)$/.exec((comment?.body ?? '').trim());
      if (!command) return { ignored: 'not a command' };
      const login = `github:${comment?.user?.login ?? ''}`;
      const row = await findIssueByBusinessKey(db, { organizationId: organization.id, source: 'github', externalId: String(issue.number) });
      if (!row) return { ignored: `no issue for #${issue.number}` };
      const [, verb, text = ''] = command;
      const audit = {
        organizationId: organization.id,
        actor: login,
        channel: 'github_webhook' as const,
        channelRef: deliveryId,
        action: verb === 'answer' ? 'issue.answer' : 'issue.decide',
        targetType: 'issue',
        targetId: row.id,
        details: { command: verb, githubIssue: issue.number },
      };
      const origin = { channel: 'github_webhook' as const, ref: deliveryId };
      const isReviewer = (await findReviewer(db, organization.id, login)) !== undefined;
      try {
        const view = await audited(db, audit, async () => {
          if (!isReviewer) throw new AppError('FORBIDDEN', notAReviewer(login, organization.id));
          return verb === 'answer'
            ? deps.issues.answer(organization.id, row.id, { answer: text.trim(), answeredBy: login, origin })
            : deps.issues.decide(organization.id, row.id, {
                decision: verb === 'approve' ? 'approve' : 'reject',
                reviewer: login,
                ...(text.trim() ? { comment: text.trim() } : {}),
                origin,
              });
        });
        return { issueId: row.id, command: verb, status: view.status };
      } catch (error) {
        // Refused (not a reviewer, wrong state, second decision): logged and audited; the delivery is not failed.
        await appendLog(db, { organizationId: organization.id, issueId: row.id, level: 'WARN', message: `/${verb} from ${login} refused: ${errorMessage(error)}` });
        if (!isReviewer) return { ignored: `${login} is not a reviewer` };
        return { issueId: row.id, command: verb, refused: errorMessage(error) };
      }
    }
    return { ignored: `${event}.${String(action)}` };
  }
}

/** What makes an event unique, from the signed payload: a replayed delivery maps to the same key. */
function eventKey(event: string, deliveryId: string, payload: Record<string, unknown>): string {
  const comment = payload['comment'] as { id?: number } | undefined;
  const issue = payload['issue'] as { id?: number } | undefined;
  const label = payload['label'] as { name?: string } | undefined;
  if (event === 'issue_comment' && comment?.id !== undefined) return `comment:${comment.id}:${String(payload['action'])}`;
  if (event === 'issues' && payload['action'] === 'labeled' && issue?.id !== undefined) return `labeled:${issue.id}:${label?.name ?? ''}`;
  return `delivery:${deliveryId}`;
}
