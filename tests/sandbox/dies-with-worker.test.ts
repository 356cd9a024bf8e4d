import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testSandbox } from '../support/harness';

/**
 * A command must not outlive the worker that started it: a retry on another worker would
 * otherwise run next to it (issue 14's chaos run saw commands run twice this way). The worker
 * here is a child process killed with SIGKILL while its command runs; the command writes a
 * heartbeat file every 100 ms, which must stop. SANDBOX=off used to detach the command into
 * its own process group, where it kept running.
 */
describe('a command dies with the worker that started it', () => {
  const readBeat = (dir: string) => {
    try {
      return fs.readFileSync(path.join(dir, 'beat'), 'utf8');
    } catch {
      return undefined;
    }
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it.each(['bubblewrap', 'off'] as const)('with the sandbox %s', async (kind) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dies-with-worker-'));
    try {
      fs.chmodSync(tmp, 0o711);
      const dir = path.join(tmp, 'workspace');
      fs.mkdirSync(dir, { mode: 0o700 });
      // The sandbox's unprivileged user owns the workspace (a non-root worker has no owner to set).
      const owner = kind === 'bubblewrap' ? testSandbox().fileOwner : undefined;
      if (owner) fs.chownSync(dir, owner.uid, owner.gid);
      const worker = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../support/command-worker.ts'), kind, dir], { stdio: 'ignore' });
      for (let waited = 0; readBeat(dir) === undefined; waited += 100) {
        if (waited > 15_000) throw new Error('the command never started');
        await sleep(100);
      }
      const beating = readBeat(dir);
      await sleep(500);
      expect(readBeat(dir)).not.toBe(beating); // it runs

      process.kill(worker.pid as number, 'SIGKILL');
      await sleep(1_000);
      const last = readBeat(dir);
      await sleep(800);
      expect(readBeat(dir)).toBe(last); // and is gone with its worker
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
