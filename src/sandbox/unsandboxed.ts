import { existsSync } from 'node:fs';
import { measured } from './measured';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnAndWait } from './process';
import { findBash, launcherArgv } from './launcher';
import { type CommandSandbox, limitMessage, minimalEnv, SANDBOX_PATH } from './sandbox';

/**
 * `SANDBOX=off`: commands run as the worker's own user with the host's view of the machine.
 * Kept: a minimal environment (no worker variable), no inherited descriptor, an empty HOME,
 * its own process group killed at the end, death with the worker (the command itself, through
 * setpriv's parent-death signal), wall time and output caps. Given up: everything else — the command
 * can read the worker's /proc (and so its secrets), other workspaces, the network. For a
 * development machine without bubblewrap, never for hostile input.
 */
export const SANDBOX_OFF_WARNING =
  'SANDBOX=off: commands the agents cause to run are NOT isolated. Repository code can read this worker\'s secrets ' +
  '(through /proc), other organizations\' workspaces and the network. Use only on a development machine with trusted repositories.';

export function createUnsandboxedRunner(): CommandSandbox {
  const bash = findBash();
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((candidate) => existsSync(candidate));
  return measured({
    kind: 'off',
    describe: () => ({ kind: 'off', resourceControl: 'wall time and output only', warning: SANDBOX_OFF_WARNING }),
    // Nothing is tracked: a command that left its process group is not found.
    stopWorkspace: async () => 0,
    async run(command) {
      const started = Date.now();
      const home = await fs.mkdtemp(path.join(os.tmpdir(), 'sandbox-off-home-'));
      try {
        const env = minimalEnv(home, { ...command.env, PATH: process.env.PATH ?? SANDBOX_PATH });
        // setpriv --pdeathsig: the command is killed if the worker dies (its own children are
        // not; bubblewrap's --die-with-parent takes the whole sandbox).
        const argv = setpriv ? [setpriv, '--pdeathsig', 'KILL', '--', ...command.argv] : command.argv;
        const result = await spawnAndWait(command, launcherArgv(bash, [], argv), { cwd: command.workspace.hostPath, env });
        return { ...result, limitMessage: limitMessage(result.outcome, command.limits), durationMs: Date.now() - started };
      } finally {
        await fs.rm(home, { recursive: true, force: true });
      }
    },
  });
}
