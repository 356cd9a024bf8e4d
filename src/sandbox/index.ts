import fs from 'node:fs/promises';
import path from 'node:path';
import type { SandboxConfig } from '../config';
import { BUBBLEWRAP_MISSING, checkBubblewrap, createBubblewrapSandbox, findBubblewrap, sandboxUser } from './bubblewrap';
import { type CommandSandbox, DEFAULT_SANDBOX_LIMITS } from './sandbox';
import { createUnsandboxedRunner, SANDBOX_OFF_WARNING } from './unsandboxed';

export type { CommandSandbox, SandboxLimits, SandboxResult } from './sandbox';
export { DEFAULT_SANDBOX_LIMITS } from './sandbox';
export { SANDBOX_OFF_WARNING };

export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
}

/**
 * The sandbox the configuration asks for. With SANDBOX=bubblewrap (the default) a worker
 * without a working bubblewrap refuses to start: running agent commands unconfined must be
 * a decision (SANDBOX=off), never a fallback.
 */
export function createConfiguredSandbox(config: SandboxConfig, warn: (message: string) => void): CommandSandbox {
  if (config.mode === 'off') {
    warn(SANDBOX_OFF_WARNING);
    return createUnsandboxedRunner();
  }
  const bwrap = findBubblewrap(config.bwrapPath);
  if (!bwrap) throw new SandboxUnavailableError(BUBBLEWRAP_MISSING);
  const probe = checkBubblewrap(bwrap, sandboxUser(config.user));
  if (!probe.ok) {
    throw new SandboxUnavailableError(
      `bubblewrap at ${bwrap} cannot create the sandbox on this machine: ${probe.reason}. ` +
        'It needs user namespaces (or root); see the README, "Security model". SANDBOX=off runs commands unconfined (development only).',
    );
  }
  const sandbox = createBubblewrapSandbox({ bwrapPath: bwrap, user: config.user, egressAllowPrivateAddresses: config.egressAllowPrivateAddresses });
  const described = sandbox.describe();
  if (described.resourceControl.startsWith('rlimits only')) warn(`sandbox: ${described.resourceControl}`);
  return sandbox;
}

/**
 * Runs a command in a directory made like a workspace under `workspacesDir`: the sandbox's
 * user must be able to reach it (every parent directory searchable), or no command would run.
 */
export async function checkSandboxReaches(sandbox: CommandSandbox, workspacesDir: string): Promise<void> {
  await fs.mkdir(workspacesDir, { recursive: true, mode: 0o711 });
  const probe = await fs.mkdtemp(path.join(workspacesDir, '.probe-'));
  try {
    if (sandbox.fileOwner) await fs.chown(probe, sandbox.fileOwner.uid, sandbox.fileOwner.gid);
    const result = await sandbox.run({ argv: ['/bin/true'], workspace: { hostPath: probe, writable: true }, limits: { ...DEFAULT_SANDBOX_LIMITS, wallTimeMs: 20_000 } });
    if (result.outcome !== 'exited' || result.exitCode !== 0) {
      const who = sandbox.fileOwner ? `uid ${sandbox.fileOwner.uid}` : 'the worker';
      throw new SandboxUnavailableError(
        `the sandbox cannot run commands in WORKSPACES_DIR=${workspacesDir} as ${who}: ${result.stderr.trim() || result.limitMessage || `exit ${result.exitCode}`}. ` +
          'Every parent directory must be searchable by that user (chmod o+x), or set WORKSPACES_DIR to a path that is (e.g. /var/lib/agent-orchestrator/workspaces).',
      );
    }
  } finally {
    await fs.rm(probe, { recursive: true, force: true });
  }
}

/** One line for start-up banners: kind, user, resource control. */
export function describeSandbox(sandbox: CommandSandbox): string {
  const described = sandbox.describe();
  if (described.kind === 'off') return 'OFF: agent commands run UNCONFINED (SANDBOX=off)';
  return `bubblewrap as ${described.user ?? 'the worker'}; ${described.resourceControl}`;
}

/** What /health says about the sandbox (from the configuration: the API runs no commands). */
export function sandboxHealth(config: SandboxConfig): { mode: 'bubblewrap' | 'off'; warning?: string } {
  return config.mode === 'off' ? { mode: 'off', warning: SANDBOX_OFF_WARNING } : { mode: 'bubblewrap' };
}

/** Bubblewrap where it is installed, else SANDBOX=off: for benchmarks and scripts, not workers. */
export function bestAvailableSandbox(): CommandSandbox {
  return findBubblewrap() ? createBubblewrapSandbox() : createUnsandboxedRunner();
}
