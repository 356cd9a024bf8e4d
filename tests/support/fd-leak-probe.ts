/**
 * Run by tests/sandbox/attacks.test.ts from a shell that opened descriptor 200 on a secret
 * file without close-on-exec, as a supervisor might: reports what a sandboxed command can
 * reach through inherited descriptors.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBubblewrapSandbox } from '../../src/sandbox/bubblewrap';
import { DEFAULT_SANDBOX_LIMITS } from '../../src/sandbox/sandbox';
import { createUnsandboxedRunner } from '../../src/sandbox/unsandboxed';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd-probe-'));
  fs.chmodSync(dir, 0o777);
  const argv = ['sh', '-c', 'ls /proc/self/fd | tr "\\n" " "; echo; cat /proc/self/fd/200 2>/dev/null || echo "no fd 200"'];
  const run = (sandbox: ReturnType<typeof createUnsandboxedRunner>) => sandbox.run({ argv, workspace: { hostPath: dir, writable: true }, limits: DEFAULT_SANDBOX_LIMITS });
  try {
    const sandboxed = await run(createBubblewrapSandbox());
    const off = await run(createUnsandboxedRunner());
    // What a plain spawn (the code before) passed on.
    const plain = execFileSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
    process.stdout.write(`${JSON.stringify({ sandboxed: sandboxed.stdout, off: off.stdout, plain })}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
