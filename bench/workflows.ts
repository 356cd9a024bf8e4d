/**
 * Baselines for the benchmarks: bare Temporal workflows doing the same number of steps as
 * the pipeline, with no-op activities — the same-I/O baseline, whose steps make the model
 * calls the pipeline makes and record each answer in Postgres, as a hand-written agent on
 * Temporal would — and the same-bookkeeping baseline, which also sends as many statements and
 * search-attribute upserts as the pipeline does. Bundled separately from workflows/.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { condition, defineSignal, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';

const { noop, modelStep, bookkeepingStep } = proxyActivities<{
  noop(): Promise<void>;
  modelStep(step: number): Promise<void>;
  bookkeepingStep(step: number, callModel: boolean, statements: number): Promise<void>;
}>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<{ bookkeepingStep(step: number, callModel: boolean, statements: number): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** The attribute the pipeline upserts most (its stage); registered on every server we start. */
const STAGE = defineSearchAttributeKey('IssueStage', 'KEYWORD');

export const goSignal = defineSignal('go');
export const decideUpdate = defineUpdate<void>('decide');

export async function bareStepsWorkflow(steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await noop();
}

/** `steps` activities of which the first `modelSteps` each call the model once and insert its answer. */
export async function bareModelStepsWorkflow(steps: number, modelSteps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await (i < modelSteps ? modelStep(i) : noop());
}

export interface BookkeepingShape {
  steps: number;
  modelSteps: number;
  /** Statements the pipeline sends per run, spread over the steps (the first ones get the rest). */
  statements: number;
  /** Search-attribute upserts per run: one in each of the first `upserts` steps' workflow tasks. */
  upserts: number;
}

/**
 * The pipeline's I/O without the orchestrator: as many steps, model calls, Postgres statements
 * and search-attribute upserts (started by the caller with the API's search attributes). What
 * the pipeline costs beyond it is its own code, its payloads and the weight of its statements.
 */
export async function bareBookkeepingWorkflow(shape: BookkeepingShape): Promise<void> {
  for (let i = 0; i < shape.steps; i++) {
    if (i < shape.upserts) upsertSearchAttributes([{ key: STAGE, value: `step-${i}` }]);
    const statements = Math.floor(shape.statements / shape.steps) + (i < shape.statements % shape.steps ? 1 : 0);
    await bookkeepingStep(i, i < shape.modelSteps, statements);
  }
}

/** One step, a wait for a signal, one more step: the bare signal → resume path. */
export async function bareSignalWorkflow(): Promise<void> {
  let go = false;
  setHandler(goSignal, () => {
    go = true;
  });
  await noop();
  await condition(() => go);
  await noop();
}

export async function helloWorkflow(): Promise<string> {
  await noop();
  return 'hello';
}

/**
 * The approval's same-work baseline: one step, then a gate that an update decides, its handler
 * checking and recording the decision in one local activity of one statement (what the
 * pipeline's `decideGate` costs with the person cached), then one more step. Against it, the
 * approval through the API shows what the HTTP request and our own handler add beyond the
 * answered, checked and recorded decision any human gate needs.
 */
export async function bareGateWorkflow(): Promise<void> {
  let decided = false;
  setHandler(decideUpdate, async () => {
    await local.bookkeepingStep(0, false, 1);
    decided = true;
  });
  await noop();
  await condition(() => decided);
  await noop();
}
