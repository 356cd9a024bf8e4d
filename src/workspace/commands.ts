import { spawn } from 'node:child_process';
import { ToolInputError } from './read-tools';

/**
 * Runs an allowlisted command in a workspace: no shell, a timeout, an output cap and a
 * minimal environment (no API keys, no tokens), with the exit code returned to the agent.
 */

export interface CommandLimits {
  timeoutMs: number;
  maxOutputBytes: number;
}

export interface CommandResult {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
}

/** An argv is allowed when an allowlist entry is a prefix of it (`["npm","test"]` allows `npm test -- -t x`). */
export function isAllowed(argv: string[], allowlist: string[][]): boolean {
  return allowlist.some((allowed) => allowed.length > 0 && allowed.length <= argv.length && allowed.every((part, i) => argv[i] === part));
}

/**
 * Only what a build needs. Everything else in the worker's environment — ANTHROPIC_API_KEY,
 * GITHUB_TOKEN, DATABASE_URL, TEMPORAL_API_KEY — stays out of reach of repository code.
 */
export function minimalEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    NO_COLOR: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

export async function runCommand(cwd: string, argv: string[], allowlist: string[][], limits: CommandLimits): Promise<CommandResult> {
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((part) => typeof part !== 'string')) {
    throw new ToolInputError('argv must be a non-empty array of strings');
  }
  if (!isAllowed(argv, allowlist)) {
    const allowed = allowlist.map((entry) => entry.join(' ')).join(' | ') || '(none configured)';
    throw new ToolInputError(`command not allowed: ${argv.join(' ')}. Allowed: ${allowed}`);
  }
  const started = Date.now();
  return new Promise((resolve) => {
    // detached: the command gets its own process group, so a timeout kills its children too.
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env: minimalEnv(cwd), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let captured = 0;
    let truncated = false;
    let timedOut = false;
    const capture = (which: 'out' | 'err') => (chunk: Buffer) => {
      const room = limits.maxOutputBytes - captured;
      if (room <= 0) {
        truncated = true;
        return;
      }
      const text = chunk.subarray(0, room).toString('utf8');
      if (chunk.length > room) truncated = true;
      captured += Math.min(chunk.length, room);
      if (which === 'out') stdout += text;
      else stderr += text;
    };
    child.stdout.on('data', capture('out'));
    child.stderr.on('data', capture('err'));
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, limits.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null) => {
      clearTimeout(timer);
      resolve({ argv, exitCode, signal, timedOut, stdout, stderr, truncated, durationMs: Date.now() - started });
    };
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
      finish(127, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** The result as the agent reads it. */
export function formatCommandResult(result: CommandResult): string {
  const status = result.timedOut
    ? `killed after the timeout (${result.durationMs} ms)`
    : result.signal
      ? `killed by ${result.signal}`
      : `exit code ${result.exitCode}`;
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
