import { sandboxCommandSeconds, sandboxCommands } from '../metrics/registry';
import type { CommandSandbox } from './sandbox';

/**
 * The sandbox with its commands counted and timed (README "Metrics"): by mode and result —
 * `exit_zero`, `exit_nonzero`, the limit that stopped it (`timed_out`, `memory_limit`, …) or
 * `error` when it could not run at all.
 */
export function measured(sandbox: CommandSandbox): CommandSandbox {
  return {
    ...sandbox,
    describe: () => sandbox.describe(),
    stopWorkspace: (hostPath) => sandbox.stopWorkspace(hostPath),
    async run(command) {
      const started = performance.now();
      try {
        const result = await sandbox.run(command);
        const outcome = result.outcome === 'exited' ? (result.exitCode === 0 ? 'exit_zero' : 'exit_nonzero') : result.outcome;
        sandboxCommands.inc({ mode: sandbox.kind, result: outcome });
        return result;
      } catch (error) {
        sandboxCommands.inc({ mode: sandbox.kind, result: 'error' });
        throw error;
      } finally {
        sandboxCommandSeconds.observe({ mode: sandbox.kind }, (performance.now() - started) / 1000);
      }
    },
  };
}
