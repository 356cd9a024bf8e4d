import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { QueryDefinition, SearchAttributePair, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { outageError } from '../upstream/unavailable';
import { updateRefusal } from './update-errors';

/**
 * The port through which the API's services start, read and steer workflow runs. One
 * implementation talks to Temporal (`temporalRuns`); tests of the API use an in-memory one
 * (tests/support/in-memory-runs.ts) held to the same contract (tests/temporal/runs.test.ts).
 * The rules live here once: the read deadline, what "not found" means, how a refused update
 * becomes an HTTP error.
 */
export interface WorkflowRuns {
  /**
   * Makes sure a run of this id exists or existed: starts one, or keeps the other run when
   * the id is taken — a running one (under either conflict policy), or an ended one with
   * `REJECT_DUPLICATE`. (Temporal does not say which happened with `USE_EXISTING`.)
   */
  start(request: StartRun): Promise<void>;
  /** A query's answer within the read deadline; undefined when there is no run, or no answer in time. */
  query<Result, Args extends unknown[]>(workflowId: string, query: QueryDefinition<Result, Args>, ...args: Args): Promise<Result | undefined>;
  /**
   * Runs an update and returns its result. A refusal throws an AppError: the workflow's
   * `Forbidden` a 403, any other refusal a 409, a run that has ended a 409 saying `whenEnded`.
   */
  update<Result, Arg>(workflowId: string, update: UpdateDefinition<Result, [Arg]>, arg: Arg, whenEnded: string): Promise<Result>;
  /** Sends a signal; `not_found` when the run has ended (or never existed). */
  signal<Args extends unknown[]>(workflowId: string, signal: SignalDefinition<Args>, ...args: Args): Promise<'sent' | 'not_found'>;
  /**
   * Requests cancellation; `not_found` when no run of this id exists (never started, or gone
   * after retention). An ended run takes the request and ignores it, as Temporal does.
   */
  cancel(workflowId: string): Promise<'requested' | 'not_found'>;
  /** The run's status (RUNNING, COMPLETED, TERMINATED, …) within the read deadline; throws when it cannot be asked. */
  status(workflowId: string): Promise<RunStatus | 'not_found'>;
}

export type RunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'CONTINUED_AS_NEW' | 'TIMED_OUT' | 'PAUSED' | 'UNKNOWN';

export interface StartRun {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  /** With a running run of this id: keep it (`USE_EXISTING`), replace it (`TERMINATE_EXISTING`) or refuse (`FAIL`, Temporal's default). */
  workflowIdConflictPolicy?: 'USE_EXISTING' | 'TERMINATE_EXISTING' | 'FAIL';
  /** With an ended run of this id: never start again (`REJECT_DUPLICATE`) or allow it. */
  workflowIdReusePolicy?: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE';
  searchAttributes: SearchAttributePair[];
  /** Shown in the Web UI's list and on the run's page. */
  staticSummary?: string;
  staticDetails?: string;
}

/**
 * How the API reads a running workflow: a query or a describe that gives up after a deadline
 * (default 3 s), so a request never waits on a workflow no worker is serving — the caller
 * falls back to what Postgres recorded. The one deadline rule for issues, skill runs and
 * schedules.
 */
export const DEFAULT_READ_DEADLINE_MS = 3_000;

export function withReadDeadline<T>(temporal: Client, read: () => Promise<T>, timeoutMs: number = DEFAULT_READ_DEADLINE_MS): Promise<T> {
  return temporal.connection.withDeadline(Date.now() + timeoutMs, read);
}

/**
 * Deadlines of the calls that change something. Without them the client retries an
 * unreachable server for about 20 s, and the API's caller waits that long for a 500; with
 * them the caller gets a 503 with Retry-After in a couple of seconds (src/upstream). An update
 * also waits for the workflow to run its handler (validation, a local activity recording the
 * decision), hence the longer one.
 */
export const DEFAULT_WRITE_DEADLINE_MS = 2_000;
export const DEFAULT_UPDATE_DEADLINE_MS = 10_000;

/** The port over a Temporal client. */
export function temporalRuns(temporal: Client, options: { readDeadlineMs?: number; writeDeadlineMs?: number; updateDeadlineMs?: number } = {}): WorkflowRuns {
  const handle = (workflowId: string) => temporal.workflow.getHandle(workflowId);
  const read = <T>(work: () => Promise<T>) => withReadDeadline(temporal, work, options.readDeadlineMs);
  const write = <T>(work: () => Promise<T>) => temporal.connection.withDeadline(Date.now() + (options.writeDeadlineMs ?? DEFAULT_WRITE_DEADLINE_MS), work);
  const updating = <T>(work: () => Promise<T>) => temporal.connection.withDeadline(Date.now() + (options.updateDeadlineMs ?? DEFAULT_UPDATE_DEADLINE_MS), work);
  return {
    async start(request) {
      try {
        await write(() => temporal.workflow.start(request.workflowType, {
          taskQueue: request.taskQueue,
          workflowId: request.workflowId,
          args: request.args,
          ...(request.workflowIdConflictPolicy ? { workflowIdConflictPolicy: request.workflowIdConflictPolicy } : {}),
          ...(request.workflowIdReusePolicy ? { workflowIdReusePolicy: request.workflowIdReusePolicy } : {}),
          typedSearchAttributes: request.searchAttributes,
          ...(request.staticSummary ? { staticSummary: request.staticSummary } : {}),
          ...(request.staticDetails ? { staticDetails: request.staticDetails } : {}),
        }));
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
    async query(workflowId, query, ...args) {
      try {
        return await read(() => handle(workflowId).query(query, ...args));
      } catch {
        // Not found, no worker answering in time, Temporal unreachable: Postgres has the last recorded state.
        return undefined;
      }
    },
    async update(workflowId, update, arg, whenEnded) {
      try {
        return await updating(() => handle(workflowId).executeUpdate(update, { args: [arg] }));
      } catch (error) {
        throw outageError(error) ?? updateRefusal(error, whenEnded);
      }
    },
    signal: (workflowId, signal, ...args) => orNotFound(() => write(async () => (await handle(workflowId).signal(signal, ...args), 'sent' as const))),
    cancel: (workflowId) => orNotFound(() => write(async () => (await handle(workflowId).cancel(), 'requested' as const))),
    status: (workflowId) => orNotFound(async () => (await read(() => handle(workflowId).describe())).status.name as RunStatus),
  };
}

/** `not_found` for a run Temporal does not know; other errors are thrown. */
async function orNotFound<T>(work: () => Promise<T>): Promise<T | 'not_found'> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'not_found';
    throw error;
  }
}
