import type { Readable, Writable } from 'node:stream';
import type { EgressDecision } from './egress-proxy';

/**
 * The one way to run a process on repository content: the tests, an agent's command, git
 * over a workspace the agent could have written. Everything such a process sees is
 * hostile-controlled (the repository, its config, the agent's files), so it runs with
 * nothing of the worker: no secrets, no other workspace, no network, bounded resources.
 *
 * Two implementations: bubblewrap (the default; see bubblewrap.ts) and `SANDBOX=off`
 * (unsandboxed.ts) for development machines without it, which isolates nothing but the
 * environment variables and says so loudly.
 */

export interface SandboxLimits {
  /** Wall-clock time; the whole sandbox is killed when it runs out. */
  wallTimeMs: number;
  /** CPU seconds per process (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Memory of all its processes together (cgroup); tmpfs /tmp counts too. */
  memoryBytes: number;
  /** Processes and threads at once (cgroup pids; RLIMIT_NPROC when the worker is not root). */
  processes: number;
  /** Largest file a process may write (RLIMIT_FSIZE). */
  fileSizeBytes: number;
  /** Bytes of stdout + stderr returned; the rest is counted, not kept. */
  maxOutputBytes: number;
  /** Output past this kills the command: an endless printer must not run to the wall time. */
  maxTotalOutputBytes: number;
  /** Size of the private /tmp. */
  tmpBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  wallTimeMs: 300_000,
  cpuSeconds: 600,
  memoryBytes: 2 * 1024 ** 3,
  processes: 512,
  fileSizeBytes: 512 * 1024 ** 2,
  maxOutputBytes: 50_000,
  maxTotalOutputBytes: 64 * 1024 ** 2,
  tmpBytes: 512 * 1024 ** 2,
};

export interface SandboxCommand {
  argv: string[];
  /** The host directory the command works in, seen inside as WORKSPACE_MOUNT. */
  workspace: { hostPath: string; writable: boolean };
  /** Added to the minimal environment (nothing of the worker's passes otherwise). */
  env?: Record<string, string>;
  limits: SandboxLimits;
  /**
   * A file the worker created for stdout (binary output such as a git bundle); the limit
   * on it is fileSizeBytes. Without it stdout is captured as text like stderr.
   */
  stdoutFile?: string;
  /** Hosts the command may reach through the filtering proxy; absent or empty: no network. */
  egress?: { allowedHosts: string[]; onDecision(decision: EgressDecision): void };
  signal?: AbortSignal;
  /**
   * A conversation with the process over its stdin and stdout (an MCP server over stdio):
   * stdout goes to it instead of the result (it still counts toward maxTotalOutputBytes), and
   * once it settles the process is stopped. The result's outcome is `exited` when the
   * conversation ended it; `run` resolves after the process is gone either way.
   */
  interact?: (io: { stdin: Writable; stdout: Readable }) => Promise<void>;
}

/** Why the command ended. Anything but `exited` was the sandbox stopping it. */
export type SandboxOutcome =
  | 'exited'
  | 'timed_out'
  | 'memory_limit'
  | 'process_limit'
  | 'cpu_limit'
  | 'file_size_limit'
  | 'output_limit'
  | 'cancelled'
  | 'spawn_failed';

export interface SandboxResult {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  outcome: SandboxOutcome;
  /** For people and the agent: which limit was hit and what to do about it. */
  limitMessage: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
}

export interface CommandSandbox {
  readonly kind: 'bubblewrap' | 'off';
  /**
   * Who must own a workspace's files for its commands to write them: the unprivileged user
   * a root worker's commands run as. Undefined: the worker's own user (nothing to change).
   */
  readonly fileOwner?: { uid: number; gid: number };
  /** What this sandbox enforces on this machine, for /health and the start banner. */
  describe(): SandboxDescription;
  run(command: SandboxCommand): Promise<SandboxResult>;
  /**
   * Kills whatever still runs in sandboxes of this workspace (a command of an activity
   * attempt that was given up, on any worker process of this machine) and resolves once it
   * is gone. The worker calls it before its own file tools touch the workspace, so no
   * sandboxed process can swap a path for a symlink between a check and a use. Needs
   * cgroups; without them it answers 0 and the README says what that leaves.
   */
  stopWorkspace(hostPath: string): Promise<number>;
}

export interface SandboxDescription {
  kind: 'bubblewrap' | 'off';
  /** Who commands run as on the host. */
  user?: string;
  /** e.g. cgroup v1 pids+memory, or rlimits only. */
  resourceControl: string;
  warning?: string;
}

/** Where the workspace is mounted in the bubblewrap sandbox. */
export const WORKSPACE_MOUNT = '/workspace';
export const SANDBOX_HOME = '/home/sandbox';
export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment of a sandboxed command. Nothing of the worker's — ANTHROPIC_API_KEY,
 * GITHUB_TOKEN, DATABASE_URL, TEMPORAL_API_KEY — is in it, and HOME is an empty directory:
 * a `.gitconfig` or `.npmrc` the agent wrote into the workspace is not read as the user's.
 */
export function minimalEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: SANDBOX_PATH,
    HOME: home,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    CI: 'true',
    NO_COLOR: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

const MIB = 1024 ** 2;

/** The sentence the agent reads when a limit stopped its command. */
export function limitMessage(outcome: SandboxOutcome, limits: SandboxLimits): string | null {
  switch (outcome) {
    case 'exited':
      return null;
    case 'timed_out':
      return `killed: the command ran past its wall-time limit of ${Math.round(limits.wallTimeMs / 1000)} s (settings.repository.commandTimeoutSeconds)`;
    case 'memory_limit':
      return `killed: the command's processes used more than the memory limit of ${Math.round(limits.memoryBytes / MIB)} MiB (settings.sandbox.memoryMb)`;
    case 'process_limit':
      return `the command hit the limit of ${limits.processes} processes: new processes were refused (settings.sandbox.maxProcesses)`;
    case 'cpu_limit':
      return `killed: a process used more than ${limits.cpuSeconds} s of CPU time (settings.sandbox.cpuSeconds)`;
    case 'file_size_limit':
      return `killed: a process wrote a file larger than ${Math.round(limits.fileSizeBytes / MIB)} MiB (settings.sandbox.fileSizeMb)`;
    case 'output_limit':
      return `killed: the command printed more than ${Math.round(limits.maxTotalOutputBytes / MIB)} MiB of output`;
    case 'cancelled':
      return 'killed: the activity running it was cancelled';
    case 'spawn_failed':
      return 'the command could not be started';
  }
}

/**
 * Collects stdout/stderr up to `keep` bytes, counts the rest, and reports when the count
 * passes `kill`: the runner then stops the command with outcome `output_limit`.
 */
export class OutputCollector {
  stdout = '';
  stderr = '';
  truncated = false;
  private kept = 0;
  private total = 0;

  constructor(
    private readonly keep: number,
    private readonly kill: number,
    private readonly onOverflow: () => void,
  ) {}

  /** `counted`: bytes that count toward the kill limit only (a conversation's stdout). */
  sink(which: 'stdout' | 'stderr' | 'counted') {
    return (chunk: Buffer) => {
      this.total += chunk.length;
      if (this.total > this.kill) this.onOverflow();
      if (which === 'counted') return;
      const room = this.keep - this.kept;
      if (room <= 0) {
        this.truncated = true;
        return;
      }
      if (chunk.length > room) this.truncated = true;
      const text = chunk.subarray(0, room).toString('utf8');
      this.kept += Math.min(chunk.length, room);
      this[which] += text;
    };
  }
}
