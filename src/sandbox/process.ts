import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { OutputCollector, type SandboxCommand, type SandboxOutcome, type SandboxResult } from './sandbox';

/**
 * The process side of both runners (bubblewrap and SANDBOX=off). Spawns the launcher in its
 * own process group, collects output, enforces wall time, output
 * and cancellation by killing the group (bubblewrap's --die-with-parent takes the sandbox
 * with it). Resolves once the launcher has exited and its pipes are closed.
 */
export async function spawnAndWait(
  command: SandboxCommand,
  argv: string[],
  spawnOptions: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Omit<SandboxResult, 'limitMessage' | 'durationMs'>> {
  const { limits } = command;
  const stdoutFile = command.stdoutFile ? await fs.open(command.stdoutFile, 'w') : undefined;
  try {
    return await new Promise((resolve) => {
      let outcome: SandboxOutcome = 'exited';
      const child = spawn(argv[0] as string, argv.slice(1), {
        cwd: spawnOptions.cwd ?? '/',
        env: spawnOptions.env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
        stdio: [command.interact ? 'pipe' : 'ignore', stdoutFile ? stdoutFile.fd : 'pipe', 'pipe'],
        detached: true,
      });
      const stop = (why: SandboxOutcome) => {
        if (outcome === 'exited') outcome = why;
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const output = new OutputCollector(limits.maxOutputBytes, limits.maxTotalOutputBytes, () => stop('output_limit'));
      if (command.interact && child.stdin && child.stdout) {
        // The conversation reads stdout; its bytes are counted, not kept.
        const count = output.sink('counted');
        child.stdout.on('data', (chunk: Buffer) => count(chunk));
        child.stdin.on('error', () => undefined); // a process that exits early closes its end
        const ended = () => {
          child.stdin?.end();
          try {
            if (child.pid) process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        };
        command.interact({ stdin: child.stdin, stdout: child.stdout }).then(ended, ended);
      } else {
        child.stdout?.on('data', output.sink('stdout'));
      }
      child.stderr?.on('data', output.sink('stderr'));
      const timer = setTimeout(() => stop('timed_out'), limits.wallTimeMs);
      const onAbort = () => stop('cancelled');
      command.signal?.addEventListener('abort', onAbort, { once: true });
      let spawnError: Error | undefined;
      child.on('error', (error) => {
        spawnError = error;
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        command.signal?.removeEventListener('abort', onAbort);
        // Whatever the command left in its group goes with it.
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is empty
        }
        if (spawnError) {
          resolve({ argv: command.argv, exitCode: 127, signal: null, outcome: 'spawn_failed', stdout: output.stdout, stderr: `${output.stderr}\n${spawnError.message}`.trim(), truncated: output.truncated });
          return;
        }
        resolve({ argv: command.argv, exitCode: code, signal, outcome, stdout: output.stdout, stderr: output.stderr, truncated: output.truncated });
      });
    });
  } finally {
    await stdoutFile?.close();
  }
}
