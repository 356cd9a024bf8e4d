import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { AppError } from '../../src/errors';
import type { RunStatus, StartRun, WorkflowRuns } from '../../src/temporal/runs';

/**
 * WorkflowRuns without a Temporal server, for tests of the API and its services: it keeps
 * what was started, signalled and cancelled, and answers queries and updates the way a test
 * says a worker would. Held to the same contract as the Temporal adapter by
 * tests/temporal/runs.test.ts, so what passes against it holds against the server.
 */
export interface FakeRun {
  request: StartRun;
  status: RunStatus;
  cancelRequested: boolean;
  signals: Array<{ name: string; args: unknown[] }>;
}

type QueryAnswer = (run: FakeRun, ...args: unknown[]) => unknown;
/** Returns the update's result, or throws an AppError (403 for who, 409 for state) as the workflow's refusal would be. */
type UpdateAnswer = (run: FakeRun, arg: unknown) => unknown;

export class InMemoryRuns implements WorkflowRuns {
  /** The latest run of each workflow id. */
  readonly runs = new Map<string, FakeRun>();
  /** Every start asked for, kept or not. */
  readonly starts: StartRun[] = [];
  private readonly queryAnswers = new Map<string, QueryAnswer>();
  private readonly updateAnswers = new Map<string, UpdateAnswer>();

  /**
   * What a worker answers to `query` (by name) on running runs; `undefined` (or no answer set) is
   * no answer in time. A promise is awaited: what happens while the query is in flight.
   */
  answerQuery<Result, Args extends unknown[]>(query: QueryDefinition<Result, Args>, answer: (run: FakeRun, ...args: Args) => Result | Promise<Result>): void {
    this.queryAnswers.set(query.name, answer as QueryAnswer);
  }

  /** What a worker's handler does with `update` (by name) on running runs. */
  answerUpdate<Result, Arg>(update: UpdateDefinition<Result, [Arg]>, answer: (run: FakeRun, arg: Arg) => Result): void {
    this.updateAnswers.set(update.name, answer as UpdateAnswer);
  }

  /** Ends a run as a workflow (or an operator) would. */
  end(workflowId: string, status: Exclude<RunStatus, 'RUNNING'>): void {
    const run = this.runs.get(workflowId);
    if (!run) throw new Error(`no run ${workflowId}`);
    run.status = status;
  }

  async start(request: StartRun): Promise<void> {
    this.starts.push(request);
    const existing = this.runs.get(request.workflowId);
    // A running one is kept (unless TERMINATE_EXISTING replaces it); an ended one too with REJECT_DUPLICATE.
    const replaces = existing?.status === 'RUNNING' && request.workflowIdConflictPolicy === 'TERMINATE_EXISTING';
    if (existing && !replaces && (existing.status === 'RUNNING' || request.workflowIdReusePolicy === 'REJECT_DUPLICATE')) return;
    this.runs.set(request.workflowId, { request, status: 'RUNNING', cancelRequested: false, signals: [] });
  }

  async query<Result, Args extends unknown[]>(workflowId: string, query: QueryDefinition<Result, Args>, ...args: Args): Promise<Result | undefined> {
    const run = this.runs.get(workflowId);
    const answer = this.queryAnswers.get(query.name);
    if (!run || run.status !== 'RUNNING' || !answer) return undefined;
    return (await answer(run, ...args)) as Result;
  }

  async update<Result, Arg>(workflowId: string, update: UpdateDefinition<Result, [Arg]>, arg: Arg, whenEnded: string): Promise<Result> {
    const run = this.runs.get(workflowId);
    if (!run || run.status !== 'RUNNING') throw new AppError('CONFLICT', whenEnded);
    const answer = this.updateAnswers.get(update.name);
    if (!answer) throw new Error(`InMemoryRuns: no answer set for update ${update.name} (answerUpdate)`);
    return answer(run, arg) as Result;
  }

  async signal<Args extends unknown[]>(workflowId: string, signal: SignalDefinition<Args>, ...args: Args): Promise<'sent' | 'not_found'> {
    const run = this.runs.get(workflowId);
    if (!run || run.status !== 'RUNNING') return 'not_found';
    run.signals.push({ name: signal.name, args });
    return 'sent';
  }

  async cancel(workflowId: string): Promise<'requested' | 'not_found'> {
    const run = this.runs.get(workflowId);
    if (!run) return 'not_found';
    if (run.status === 'RUNNING') run.cancelRequested = true; // an ended run ignores it
    return 'requested';
  }

  async status(workflowId: string): Promise<RunStatus | 'not_found'> {
    return this.runs.get(workflowId)?.status ?? 'not_found';
  }
}
