import type { SandboxConfig } from '../config';
import { BUBBLEWRAP_MISSING, checkBubblewrap, createBubblewrapSandbox, findBubblewrap } from './bubblewrap';
import type { CommandSandbox } from './sandbox';
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
  const probe = checkBubblewrap(bwrap);
  if (!probe.ok) {
    throw new SandboxUnavailableError(
      `bubblewrap at ${bwrap} cannot create the sandbox on this machine: ${probe.reason}. ` +
        'It needs user namespaces (or root); see the README, "Security model". SANDBOX=off runs commands unconfined (development only).',
    );
  }
  const sandbox = createBubblewrapSandbox({ bwrapPath: bwrap, egressAllowPrivateAddresses: config.egressAllowPrivateAddresses });
  const described = sandbox.describe();
  if (described.resourceControl.startsWith('rlimits only')) warn(`sandbox: ${described.resourceControl}`);
  return sandbox;
}

/** What /health says about the sandbox (from the configuration: the API runs no commands). */
export function sandboxHealth(config: SandboxConfig): { mode: 'bubblewrap' | 'off'; warning?: string } {
  return config.mode === 'off' ? { mode: 'off', warning: SANDBOX_OFF_WARNING } : { mode: 'bubblewrap' };
}

/** Bubblewrap where it is installed, else SANDBOX=off: for benchmarks and scripts, not workers. */
export function bestAvailableSandbox(): CommandSandbox {
  return findBubblewrap() ? createBubblewrapSandbox() : createUnsandboxedRunner();
}
