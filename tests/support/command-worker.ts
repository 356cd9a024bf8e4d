/**
 * A stand-in for a worker that starts one long command and is then killed (SIGKILL) by the
 * test: `command-worker.ts <bubblewrap|off> <workspace dir>`. The command writes a heartbeat
 * file in the workspace every 100 ms, so the test sees whether it outlived its worker.
 */
import { createUnsandboxedRunner } from '../../src/sandbox/unsandboxed';
import { DEFAULT_SANDBOX_LIMITS } from '../../src/sandbox/sandbox';
import { runCommand } from '../../src/workspace/commands';
import { testSandbox } from './harness';

const [kind, dir] = process.argv.slice(2);
if (!dir || (kind !== 'bubblewrap' && kind !== 'off')) throw new Error('usage: command-worker.ts <bubblewrap|off> <dir>');
const argv = ['sh', '-c', 'while :; do date +%s%N > beat; sleep 0.1; done'];
void runCommand({
  sandbox: kind === 'off' ? createUnsandboxedRunner() : testSandbox(),
  dir,
  argv,
  allowlist: [['sh']],
  limits: { ...DEFAULT_SANDBOX_LIMITS, wallTimeMs: 120_000 },
});
