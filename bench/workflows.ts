/**
 * Baselines for the benchmarks: bare Temporal workflows doing the same number of steps as
 * the pipeline, with no-op activities. Bundled separately from workflows/.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export const goSignal = defineSignal('go');

export async function bareStepsWorkflow(steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await noop();
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
