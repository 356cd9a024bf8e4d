/**
 * Baselines for the benchmarks: bare Temporal workflows doing the same number of steps as
 * the pipeline, with no-op activities — and the same-I/O baseline, whose steps make the model
 * calls the pipeline makes and record each answer in Postgres, as a hand-written agent on
 * Temporal would. Bundled separately from workflows/.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const { noop, modelStep } = proxyActivities<{ noop(): Promise<void>; modelStep(step: number): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export const goSignal = defineSignal('go');

export async function bareStepsWorkflow(steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await noop();
}

/** `steps` activities of which the first `modelSteps` each call the model once and insert its answer. */
export async function bareModelStepsWorkflow(steps: number, modelSteps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await (i < modelSteps ? modelStep(i) : noop());
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
