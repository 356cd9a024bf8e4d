import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBubblewrapSandbox, findBubblewrap } from '../src/sandbox/bubblewrap';
import { DEFAULT_SANDBOX_LIMITS, type CommandSandbox } from '../src/sandbox/sandbox';

/**
 * What the sandbox adds to every command: the same trivial command (`/bin/true`) run
 * `runs` times as a plain spawn (the baseline: what the worker did before) and through the
 * bubblewrap sandbox — with the per-command cgroups, rlimits and namespaces — and, where
 * cgroups are writable, through the sandbox without them, to show what each part costs.
 * Runs interleave, so machine noise hits both sides alike.
 */

export interface SandboxOverhead {
  runs: number;
  resourceControl: string;
  plainMs: number[];
  sandboxMs: number[];
  sandboxWithoutCgroupsMs: number[];
}

function plainSpawn(argv: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

export async function measureSandboxOverhead(runs: number): Promise<SandboxOverhead | undefined> {
  if (!findBubblewrap()) return undefined;
  const sandbox = createBubblewrapSandbox();
  const withoutCgroups = createBubblewrapSandbox({ cgroups: null });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sandbox-'));
  const argv = ['/bin/true'];
  const inSandbox = (runner: CommandSandbox) => runner.run({ argv, workspace: { hostPath: dir, writable: true }, limits: DEFAULT_SANDBOX_LIMITS });
  const timed = async (work: () => Promise<unknown>) => {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const result: SandboxOverhead = { runs, resourceControl: sandbox.describe().resourceControl, plainMs: [], sandboxMs: [], sandboxWithoutCgroupsMs: [] };
  try {
    for (let i = 0; i < 5; i++) await inSandbox(sandbox); // warm the page cache
    for (let i = 0; i < runs; i++) {
      result.plainMs.push(await timed(() => plainSpawn(argv, dir)));
      result.sandboxMs.push(await timed(() => inSandbox(sandbox)));
      result.sandboxWithoutCgroupsMs.push(await timed(() => inSandbox(withoutCgroups)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

/** `npx tsx bench/sandbox-overhead.ts [runs]`: this measurement alone. */
if (require.main === module) {
  void (async () => {
    const measured = await measureSandboxOverhead(Number(process.argv[2] ?? 100));
    if (!measured) {
      process.stdout.write('bubblewrap is not installed\n');
      return;
    }
    const p = (samples: number[], q: number) => [...samples].sort((a, b) => a - b)[Math.floor(q * samples.length)] as number;
    for (const [name, samples] of [['plain spawn', measured.plainMs], ['sandbox', measured.sandboxMs], ['sandbox, rlimits only', measured.sandboxWithoutCgroupsMs]] as const) {
      process.stdout.write(`${name.padEnd(24)} p50 ${p(samples, 0.5).toFixed(1)} ms  p95 ${p(samples, 0.95).toFixed(1)} ms\n`);
    }
    process.stdout.write(`added at p50: ${(p(measured.sandboxMs, 0.5) - p(measured.plainMs, 0.5)).toFixed(1)} ms (${measured.resourceControl})\n`);
  })();
}
