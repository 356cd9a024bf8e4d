import type { EgressDecision } from '../sandbox/egress-proxy';
import type { CommandSandbox, SandboxLimits, SandboxResult } from '../sandbox/sandbox';
import { ToolInputError } from './read-tools';

/**
 * Runs an allowlisted command (no shell) in a workspace, in the sandbox: run_command and
 * the test command at the end of the code stage. The result, limits included, goes back to
 * the agent as text.
 */

/** An argv is allowed when an allowlist entry is a prefix of it (`["npm","test"]` allows `npm test -- -t x`). */
export function isAllowed(argv: string[], allowlist: string[][]): boolean {
  return allowlist.some((allowed) => allowed.length > 0 && allowed.length <= argv.length && allowed.every((part, i) => argv[i] === part));
}

/** The refusal of an argv the allowlist does not allow (the agent reads it), or null. */
export function commandRefusal(argv: string[], allowlist: string[][]): string | null {
  if (isAllowed(argv, allowlist)) return null;
  const allowed = allowlist.map((entry) => entry.join(' ')).join(' | ') || '(none configured)';
  return `command not allowed: ${argv.join(' ')}. Allowed: ${allowed}`;
}

export interface WorkspaceCommand {
  sandbox: CommandSandbox;
  dir: string;
  argv: string[];
  allowlist: string[][];
  limits: SandboxLimits;
  /** Hosts the organization allows (settings.sandbox.allowedHosts); each decision is reported. */
  egress?: { allowedHosts: string[]; onDecision(decision: EgressDecision): void };
  signal?: AbortSignal;
  /**
   * Runs once the command passed its checks, right before it starts; if it throws, the command
   * does not start (a ToolInputError is the tool's answer). The agent tool records each run
   * here before it happens, so a tool call runs its command at most once.
   */
  beforeStart?: () => Promise<void>;
}

export async function runCommand(command: WorkspaceCommand): Promise<SandboxResult> {
  const { argv, allowlist } = command;
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((part) => typeof part !== 'string')) {
    throw new ToolInputError('argv must be a non-empty array of strings');
  }
  const refusal = commandRefusal(argv, allowlist);
  if (refusal) throw new ToolInputError(refusal);
  await command.beforeStart?.();
  return command.sandbox.run({
    argv,
    workspace: { hostPath: command.dir, writable: true },
    limits: command.limits,
    egress: command.egress,
    signal: command.signal,
  });
}

/** The result as the agent reads it. */
export function formatCommandResult(result: SandboxResult): string {
  const status =
    result.outcome === 'exited'
      ? result.signal
        ? `killed by ${result.signal}`
        : `exit code ${result.exitCode}`
      : `${result.limitMessage} (after ${result.durationMs} ms)`;
  return [
    `$ ${result.argv.join(' ')}`,
    status,
    '--- stdout ---',
    result.stdout.trimEnd(),
    '--- stderr ---',
    result.stderr.trimEnd(),
    ...(result.truncated ? ['… (output truncated)'] : []),
  ].join('\n');
}
