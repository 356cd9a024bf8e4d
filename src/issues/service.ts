import { toIso } from '../time';
import { randomUUID } from 'node:crypto';
import { uuidFrom } from '../contracts/ids';
import { canonicalJson } from '../canonical-json';
import type { WorkflowRuns } from '../temporal/runs';
import type { UpdateDefinition } from '@temporalio/common';
import type { Answer, CommandDecision, Decision, Interrupt, RaiseBudget, SteeringMessage } from '../contracts/people';
import { requestBudgetProblem, resolvePolicy, spendCaps, submissionLimits } from '../contracts/policy';
import type { WorkspacePoolPolicy } from '../../workflows/shared/workspace-pool';
import { assertWithinWindows } from '../rate-limits';
import { assertSpentUnderCaps } from '../spend-caps';
import { AppError } from '../errors';
import { listArtifacts } from '../db/artifacts';
import type { CreateIssueRequest, ListIssuesQuery } from '../contracts/issue';
import type { Database } from '../db/client';
import { getIssue, type IssueHealthStats, issueHealthStats, type IssueRecord, issueThatTookTheKey, listIssues, listUnstartedIssuesOlderThan, markIssueWorkflowStarted, recordIssueOutcome, submitIssue } from '../db/issues';
import { listAuditEvents } from '../db/audit';
import type { AgentControls } from '../contracts/controls';
import { readControls } from '../db/controls';
import { issueCosts } from '../db/llm-calls';
import { listLogPage, listLogs, listLogsAfter } from '../db/logs';
import { listIssueTranscript } from '../db/agent-transcripts';
import { pageInMemory, type PageQuery } from '../contracts/pages';
import { listDecisions, listQuestions } from '../db/people';
import { getOrganization, type Organization } from '../db/organizations';
import {
  answerUpdate,
  decisionUpdate,
  ISSUE_WORKFLOW_TYPE,
  type IssueProgress,
  commandDecisionUpdate,
  interruptUpdate,
  messageUpdate,
  raiseBudgetUpdate,
  type IssueWorkflowInput,
  issueWorkflowId,
  searchAttributes,
  statusQuery,
} from '../../workflows/definitions';
import { LIMITER_WORKFLOW_ID, slotPositionQuery } from '../../workflows/limiter';
import { isDatabaseUnavailable, outageError } from '../upstream/unavailable';
import { repeatsLatestDecision, repeatsRecordedAnswer } from './repeated-actions';
import { isTerminal, issueTrackingUrl, issueView, type IssueView, withStoredPeople } from './view';

export type { IssueView } from './view';

/**
 * What the API does with issues: validate-then-act use cases over Postgres and Temporal.
 * The API never runs agent work; it records, starts, and reads.
 */

export interface IssueServiceDeps {
  db: Database;
  /** Where issue workflows run (Temporal; an in-memory fake in API tests). */
  runs: WorkflowRuns;
  taskQueue: string;
  publicBaseUrl: string;
  /** Link target for operators; omitted from responses when unknown. */
  temporalUiUrl?: string;
  namespace: string;
  /** Global cap of running pipelines (the limiter); undefined = unlimited. */
  maxConcurrentPipelines?: number;
  /** Issues' repository work goes to the workspace pool (WORKSPACE_TASK_QUEUE); undefined = the orchestration worker does it. */
  workspacePool?: WorkspacePoolPolicy;
}

export interface SubmitResult {
  created: boolean;
  issue: IssueView;
  /** Stored, but Temporal was unreachable: the recovery sweep starts its workflow once it is back. */
  startDeferred?: true;
}


/** Issues whose workflow id an API process keeps (`workflowOfIssue`): ~1 MB. */
const KNOWN_WORKFLOWS = 10_000;

/** A promise's outcome as a value, so two can run at once and both be looked at. */
async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A limit as the submission's guard takes it: none (null) rather than Infinity. */
const finite = (limit: number | undefined) => (limit === undefined || !Number.isFinite(limit) ? null : limit);

export function createIssueService(deps: IssueServiceDeps) {
  const trackingUrl = (id: string) => issueTrackingUrl(deps.publicBaseUrl, id);
  const temporalUrl = (workflowId: string) =>
    deps.temporalUiUrl
      ? `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : undefined;

  const links = (row: IssueRecord) => ({ trackingUrl: trackingUrl(row.id), temporalUrl: temporalUrl(row.workflowId) });
  const toView = (row: IssueRecord, live: IssueProgress | undefined, logs: IssueView['job']['logs'] = [], costUsd?: number): IssueView =>
    issueView(row, live, links(row), logs, costUsd);

  /**
   * Starts the issue's workflow. Idempotent: the id is the business key, a running one is
   * reused (USE_EXISTING) and a finished one is never started again (REJECT_DUPLICATE).
   */
  async function ensureWorkflowStarted(row: IssueRecord, organization: Organization, controls: AgentControls): Promise<void> {
    const policy = resolvePolicy(organization.tier, organization.settings, {
      budgetUsd: row.budgetUsd === null ? undefined : Number(row.budgetUsd),
      globalConcurrency: deps.maxConcurrentPipelines,
      ...(deps.workspacePool ? { workspacePool: deps.workspacePool } : {}),
    });
    // The kill switch and stage flags as the submission read them (later changes are signalled).
    const held = controls.paused || controls.disabledStages.length > 0;
    const input: IssueWorkflowInput = { issueId: row.id, organizationId: row.organizationId, title: row.title, policy, ...(held ? { controls } : {}) };
    // Started before and finished: it existed, which is all this records.
    await deps.runs.start({
      workflowType: ISSUE_WORKFLOW_TYPE,
      taskQueue: deps.taskQueue,
      workflowId: row.workflowId,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      searchAttributes: [
        { key: searchAttributes.organizationId, value: row.organizationId },
        { key: searchAttributes.issueType, value: row.type },
        { key: searchAttributes.issuePriority, value: row.priority },
        { key: searchAttributes.issueStage, value: 'queued' },
        ...(row.module ? [{ key: searchAttributes.issueModule, value: row.module }] : []),
        { key: searchAttributes.awaitingHuman, value: false },
      ],
      staticSummary: `${row.type}: ${row.title}`.slice(0, 200),
      staticDetails: [
        `**${row.title}**`,
        '',
        `- organization: \`${row.organizationId}\``,
        `- source: \`${row.source}\` / \`${row.externalId}\``,
        `- issue: [${row.id}](${trackingUrl(row.id)})`,
      ].join('\n'),
    });
    // Whether the workflow exists is recorded by its first stage entry (enterStage), not here:
    // one statement fewer per submission. The recovery sweep, the only reader, marks what it
    // starts itself; an issue still waiting for a slot is "started" again by it, harmlessly
    // (the policies keep the run).
  }


  /**
   * A stored issue is accepted even while Temporal is unreachable: it stays `queued` and the
   * recovery sweep starts it once Temporal answers again (the start is idempotent). Any other
   * failure is thrown.
   */
  async function startUnlessTemporalIsDown(row: IssueRecord, organization: Organization, controls: AgentControls): Promise<{ startDeferred?: true }> {
    try {
      await ensureWorkflowStarted(row, organization, controls);
      return {};
    } catch (error) {
      if (outageError(error) && !isDatabaseUnavailable(error)) return { startDeferred: true };
      throw error;
    }
  }

  async function queuePosition(workflowId: string): Promise<number | null> {
    const position = await deps.runs.query(LIMITER_WORKFLOW_ID, slotPositionQuery, workflowId);
    return position?.state === 'waiting' ? position.position : null;
  }

  /**
   * Issue → its workflow id, per organization, from the rows this process read or stored. An
   * issue's workflow id is fixed when it is stored, so a person's action can go to the workflow
   * while the row is read rather than after (`sendUpdate`; issue 13, the approval → next step
   * path). An entry answers only for the organization its row belongs to. Bounded, the oldest
   * out first; a miss reads the row first.
   */
  const workflowOfIssue = new Map<string, { organizationId: string; workflowId: string }>();
  function remember(row: IssueRecord): IssueRecord {
    if (!workflowOfIssue.has(row.id)) {
      if (workflowOfIssue.size >= KNOWN_WORKFLOWS) workflowOfIssue.delete(workflowOfIssue.keys().next().value as string);
      workflowOfIssue.set(row.id, { organizationId: row.organizationId, workflowId: row.workflowId });
    }
    return row;
  }
  function knownWorkflow(organizationId: string, issueId: string): string | undefined {
    const known = workflowOfIssue.get(issueId);
    return known?.organizationId === organizationId ? known.workflowId : undefined;
  }

  async function readIssue(organizationId: string, issueId: string): Promise<IssueRecord | undefined> {
    const row = await getIssue(deps.db, organizationId, issueId);
    return row && remember(row);
  }

  async function requireIssue(organizationId: string, issueId: string): Promise<IssueRecord> {
    const row = await readIssue(organizationId, issueId);
    if (!row) throw new AppError('NOT_FOUND', `Issue ${issueId} not found`);
    return row;
  }

  const ended = (row: IssueRecord) => new AppError('CONFLICT', `the issue has already ended (${row.status})`);

  /**
   * Runs a workflow update; a refusal becomes a 403 (who) or 409 (state). The row's refusals
   * come first, as if it had been read before sending: an issue that is not there is a 404, one
   * that has ended a 409 naming its status (the workflow takes no update then either).
   */
  async function sendUpdate<Arg>(organizationId: string, issueId: string, update: UpdateDefinition<IssueProgress, [Arg]>, arg: Arg): Promise<IssueView> {
    const known = knownWorkflow(organizationId, issueId);
    if (known === undefined) {
      const row = await requireIssue(organizationId, issueId);
      if (isTerminal(row.status)) throw ended(row);
      const live = await deps.runs.update(row.workflowId, update, arg, 'the issue has already ended');
      return toView({ ...row, status: live.status }, live);
    }
    const [read, sent] = await Promise.all([settle(readIssue(organizationId, issueId)), settle(deps.runs.update(known, update, arg, 'the issue has already ended'))]);
    // The update landed but the row could not be read: once more, for the answer.
    const row = read.ok || !sent.ok ? read : await settle(readIssue(organizationId, issueId));
    if (!row.ok) throw row.error;
    if (!row.value) throw new AppError('NOT_FOUND', `Issue ${issueId} not found`);
    if (!sent.ok) throw isTerminal(row.value.status) ? ended(row.value) : sent.error;
    return toView({ ...row.value, status: sent.value.status }, sent.value);
  }

  /** The running workflow's progress; undefined when it has ended or does not answer in time (Postgres has the rest). */
  async function liveProgress(row: IssueRecord): Promise<IssueProgress | undefined> {
    if (isTerminal(row.status)) return undefined;
    return deps.runs.query(row.workflowId, statusQuery);
  }

  /** The issue as GET shows it: live while the workflow answers, from Postgres once it has ended. */
  async function currentView(organizationId: string, issueId: string, readAgain = true): Promise<IssueView | undefined> {
    const row = await readIssue(organizationId, issueId);
    if (!row) return undefined;
    const [live, logs] = await Promise.all([liveProgress(row), listLogs(deps.db, organizationId, issueId, 20)]);
    // A run records its end in Postgres before its progress says so (issue/index.ts finish). A
    // live answer that has ended where the row read before it had not: the end landed between
    // the two, so the row (its result, its summary) is read again, as an ended issue's view is.
    if (readAgain && live && isTerminal(live.status) && !isTerminal(row.status)) return currentView(organizationId, issueId, false);
    const logLines = logs.map((log) => ({ time: toIso(log.timestamp), level: log.level, message: log.message }));
    if (live?.queued) return { ...toView(row, live, logLines), queuePosition: await queuePosition(row.workflowId) };
    if (live) return toView(row, live, logLines);
    // The workflow has ended (or is unreachable): who asked and decided what, and the cost, are in Postgres.
    const [questions, decisions, costs, refused] = await Promise.all([
      listQuestions(deps.db, organizationId, issueId),
      listDecisions(deps.db, organizationId, issueId),
      issueCosts(deps.db, organizationId, [issueId]),
      listAuditEvents(deps.db, organizationId, { targetType: 'issue', targetId: issueId, outcome: 'refused', channel: 'temporal_signal', limit: 20, offset: 0 }),
    ]);
    return withStoredPeople(toView(row, undefined, logLines, costs.get(issueId)), questions, decisions, refused.items.reverse());
  }

  /**
   * A person's action the workflow refused as out of state (409) may be a retry of one it
   * already took — the answer to the first was lost. If the issue's record shows exactly that
   * action, the retry gets 200 and the issue as it is now; anything else keeps the 409.
   */
  async function sendPersonAction<Arg>(organizationId: string, issueId: string, update: UpdateDefinition<IssueProgress, [Arg]>, arg: Arg, isRepeat: (view: IssueView) => boolean) {
    try {
      return await sendUpdate(organizationId, issueId, update, arg);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error;
      const view = await currentView(organizationId, issueId);
      if (view && isRepeat(view)) return view;
      throw error;
    }
  }


  return {
    /** The organization's counts for /health (pending, running, waiting for people, failed in the last hour). */
    healthStats(organizationId: string): Promise<IssueHealthStats> {
      return issueHealthStats(deps.db, organizationId);
    },

    /**
     * Recovery sweep: starts the workflow of every issue still queued `olderThanSeconds` after
     * submission (an API process that died between the insert and the start, or a submission
     * accepted while Temporal was down, leaves one behind). Idempotent: a running workflow is
     * kept, a finished one never restarts. Starts `concurrency` at a time, so a backlog after
     * an outage drains in a few rounds; the round stops at the first sign that Temporal or the
     * database is down (the rest would only wait out the same timeout; they are `skipped`)
     * and the next sweep carries on.
     */
    async recoverUnstarted(
      olderThanSeconds: number,
      options: { limit?: number; organizationId?: string; concurrency?: number } = {},
    ): Promise<{ started: number; errors: number; skipped?: number }> {
      const rows = await listUnstartedIssuesOlderThan(deps.db, olderThanSeconds, options.limit ?? 100, options.organizationId);
      const organizations = new Map<string, Promise<Organization | undefined>>();
      const organizationOf = (id: string) => organizations.get(id) ?? organizations.set(id, getOrganization(deps.db, id)).get(id)!;
      const controls = new Map<string, Promise<AgentControls>>();
      const controlsOf = (id: string) => controls.get(id) ?? controls.set(id, readControls(deps.db, id).then((state) => state.effective)).get(id)!;
      let started = 0;
      let errors = 0;
      let outage = false;
      let next = 0;
      const startOne = async () => {
        while (!outage && next < rows.length) {
          const row = rows[next++]!;
          try {
            const organization = await organizationOf(row.organizationId);
            if (!organization) continue;
            await ensureWorkflowStarted(row, organization, await controlsOf(row.organizationId));
            await markIssueWorkflowStarted(deps.db, row.id);
            started += 1;
          } catch (error) {
            errors += 1; // this row waits for the next sweep; the others go on
            if (outageError(error)) outage = true;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, startOne));
      const skipped = rows.length - next; // left for the next sweep after an outage
      return { started, errors, ...(skipped > 0 ? { skipped } : {}) };
    },

    /** `submittedBy.keyId`: the API key that submitted it (recorded; that key may cancel it). */
    async submit(organization: Organization, request: CreateIssueRequest, submittedBy: { keyId?: string; idempotencyKey?: string } = {}): Promise<SubmitResult> {
      // Without an externalId, the Idempotency-Key and the request name the issue: a retry after
      // a crash that lost the stored answer finds the issue its first attempt created, and a
      // key reused for another request once it has expired makes a new one.
      const derivedId = submittedBy.idempotencyKey ? uuidFrom(`${organization.id}:issue:${submittedBy.idempotencyKey}:${canonicalJson(request)}`) : undefined;
      const externalId = request.externalId ?? derivedId ?? randomUUID();
      const module = request.module ?? request.context.module ?? null;
      const limits = submissionLimits(organization.tier, organization.settings);
      const caps = spendCaps(organization.tier, organization.settings);
      const budgetProblem = requestBudgetProblem(organization.tier, request.budgetUsd);
      // One statement reads all it checks and inserts when they pass. A repeated delivery is
      // answered from the first and never counted against the limits the others check.
      // Sliding windows are counted from the issues table itself (no limiter state):
      // concurrent submissions can pass together, so a burst may overshoot by the number of
      // requests in flight.
      const issueRow = {
        organizationId: organization.id,
        source: request.source,
        externalId,
        type: request.type,
        priority: request.priority,
        title: request.title,
        description: request.description,
        module,
        context: request.context,
        budgetUsd: (request.budgetUsd ?? resolvePolicy(organization.tier, organization.settings).budgetUsd).toFixed(4),
        workflowId: issueWorkflowId(organization.id, request.source, externalId),
        createdByKeyId: submittedBy.keyId ?? null,
      };
      const submission = await submitIssue(
        deps.db,
        issueRow,
        request.externalId || derivedId ? { source: request.source, externalId } : undefined,
        { perHour: finite(limits.perHour), perDay: finite(limits.perDay), dailySpendUsd: finite(caps.daily), monthlySpendUsd: finite(caps.monthly), allowed: !budgetProblem },
      );
      if (!submission.existing && !submission.inserted) {
        // Refused by a check (thrown here, in the order callers see them), or every check
        // passed and a concurrent submission took the business key after the snapshot.
        assertWithinWindows(submission.windows, limits, { noun: 'issues', setting: 'issues' });
        assertSpentUnderCaps(organization, submission.spent);
        if (budgetProblem) throw new AppError('VALIDATION_FAILED', budgetProblem, { details: [{ path: 'budgetUsd', message: budgetProblem }] });
      }
      const issue = remember(submission.existing ?? submission.inserted ?? (await issueThatTookTheKey(deps.db, issueRow)));
      // Also for a repeat: heals a crash between the insert and the start.
      const deferred = await startUnlessTemporalIsDown(issue, organization, submission.controls);
      return { created: issue === submission.inserted, issue: toView(issue, undefined), ...deferred };
    },

    get: currentView,

    /** A reviewer's decision at the open approval gate (workflow update, validated there). */
    async decide(organizationId: string, issueId: string, decision: Decision): Promise<IssueView> {
      return sendPersonAction(organizationId, issueId, decisionUpdate, decision, (view) => repeatsLatestDecision(view, decision));
    },

    /** An answer to the pending clarification question, or confirmation of the drafted one. */
    async answer(organizationId: string, issueId: string, answer: Answer): Promise<IssueView> {
      return sendPersonAction(organizationId, issueId, answerUpdate, answer, (view) => repeatsRecordedAnswer(view, answer));
    },

    async raiseBudget(organizationId: string, issueId: string, raise: RaiseBudget): Promise<IssueView> {
      return sendUpdate(organizationId, issueId, raiseBudgetUpdate, raise);
    },

    /** A message for the running agent's next turn (workflow update, validated there). */
    async message(organizationId: string, issueId: string, message: SteeringMessage): Promise<IssueView> {
      return sendUpdate(organizationId, issueId, messageUpdate, message);
    },

    /** A decision on the command waiting for approval (workflow update, validated there). */
    async decideCommand(organizationId: string, issueId: string, decision: CommandDecision): Promise<IssueView> {
      return sendUpdate(organizationId, issueId, commandDecisionUpdate, decision);
    },

    /** Stops the agents at their next safe point until a message comes. */
    async interrupt(organizationId: string, issueId: string, interrupt: Interrupt): Promise<IssueView> {
      return sendUpdate(organizationId, issueId, interruptUpdate, interrupt);
    },

    /**
     * Requests cancellation: running activities see it, cleanup records `cancelled`.
     * `onlyIfSubmittedBy`: refuse (403) unless that key submitted the issue.
     */
    async cancel(organizationId: string, issueId: string, options: { onlyIfSubmittedBy?: string } = {}): Promise<IssueView> {
      const row = await requireIssue(organizationId, issueId);
      if (options.onlyIfSubmittedBy !== undefined && row.createdByKeyId !== options.onlyIfSubmittedBy) {
        throw new AppError('FORBIDDEN', 'this key did not submit the issue: cancel it as a person whose role may cancel, or with an admin key');
      }
      if (isTerminal(row.status)) throw new AppError('CONFLICT', `the issue has already ended (${row.status})`);
      if ((await deps.runs.cancel(row.workflowId)) === 'not_found') {
        if (row.workflowStartedAt) throw new AppError('CONFLICT', 'the issue has already ended');
        // Never started (its API died before the start): cancelled here, so no sweep starts it.
        await recordIssueOutcome(deps.db, { organizationId, issueId }, { status: 'cancelled', summary: 'cancelled before it started', error: null });
        return toView({ ...row, status: 'cancelled' }, undefined);
      }
      const view = toView(row, await liveProgress(row));
      return { ...view, currentStep: 'cancelling' };
    },

    async logs(organizationId: string, issueId: string, query: PageQuery) {
      await requireIssue(organizationId, issueId);
      const page = await listLogPage(deps.db, organizationId, issueId, query);
      return { ...page, items: page.items.map((log) => ({
        time: toIso(log.timestamp),
        level: log.level,
        message: log.message,
        data: log.data,
        stepId: log.stepId,
      })) };
    },

    /** A page of the issue's artifacts, oldest first (a few per stage). */
    async artifacts(organizationId: string, issueId: string, query: PageQuery) {
      await requireIssue(organizationId, issueId);
      const page = pageInMemory(await listArtifacts(deps.db, organizationId, issueId), query, (artifact) => `${toIso(artifact.createdAt)}|${artifact.id}`);
      return { ...page, items: page.items.map((artifact) => ({
        id: artifact.id,
        type: artifact.type,
        name: artifact.name,
        content: artifact.content,
        filePath: artifact.filePath,
        diffPatch: artifact.diffPatch,
        metadata: artifact.metadata,
        stepId: artifact.stepId,
        createdAt: toIso(artifact.createdAt),
      })) };
    },

    /** The issue's latest `limit` log lines with their ids, oldest first (the console's timeline as the page opens). */
    async timeline(organizationId: string, issueId: string, limit = 200) {
      const rows = await listLogs(deps.db, organizationId, issueId, limit);
      return rows.reverse().map((log) => ({ id: log.id, time: toIso(log.timestamp), level: log.level, message: log.message }));
    },

    /** The log lines after the one with id `afterId`, oldest first (the console's live timeline). */
    async logsAfter(organizationId: string, issueId: string, afterId: number, limit = 200) {
      const rows = await listLogsAfter(deps.db, organizationId, issueId, afterId, limit);
      return rows.map((log) => ({ id: log.id, time: toIso(log.timestamp), level: log.level, message: log.message }));
    },

    /** The agents' conversations on the issue, for people to read (the console's issue page). */
    async transcript(organizationId: string, issueId: string) {
      await requireIssue(organizationId, issueId);
      return listIssueTranscript(deps.db, organizationId, issueId);
    },

    async people(organizationId: string, issueId: string) {
      await requireIssue(organizationId, issueId);
      const [questions, decisions] = await Promise.all([
        listQuestions(deps.db, organizationId, issueId),
        listDecisions(deps.db, organizationId, issueId),
      ]);
      return {
        questions: questions.map(({ organizationId: _organization, ...question }) => ({
          ...question,
          createdAt: toIso(question.createdAt),
          answeredAt: question.answeredAt ? toIso(question.answeredAt) : null,
        })),
        decisions: decisions.map(({ organizationId: _organization, ...decision }) => ({ ...decision, createdAt: toIso(decision.createdAt) })),
      };
    },

    async list(organizationId: string, query: ListIssuesQuery) {
      const page = await listIssues(deps.db, organizationId, query);
      const costs = await issueCosts(deps.db, organizationId, page.items.map((row) => row.id));
      return { ...page, items: page.items.map((row) => toView(row, undefined, [], costs.get(row.id))) };
    },
  };
}

export type IssueService = ReturnType<typeof createIssueService>;


