import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatDemoReport, runDemo } from '../../src/demo/run-demo';
import type { DatabaseHandle } from '../../src/db/client';
import { testEnv } from '../support/env';
import { connectTemporal, openTestDatabase, type TemporalHarness, testSandbox } from '../support/harness';

/** The README's offline walkthrough (`npm run demo`), on the test server and database. */
describe('offline demo', () => {
  let db: DatabaseHandle;
  let temporal: TemporalHarness;
  let workDir: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    temporal = await connectTemporal();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-'));
    fs.chmodSync(workDir, 0o711); // the sandbox's unprivileged user must reach the workspaces
  });
  afterAll(async () => {
    await temporal.close();
    await db.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('fixes the example bug: tests fail, then pass, and a pull request is opened', async () => {
    const lines: string[] = [];
    const result = await runDemo({
      temporal: { client: temporal.client, connection: temporal.nativeConnection, namespace: 'default' },
      db,
      workDir,
      workflowBundle: { codePath: testEnv('workflowBundle') },
      sandbox: testSandbox(),
      log: (line) => lines.push(line),
    });
    expect(result.status).toBe('completed');
    expect(result.pullRequestUrl).toMatch(/^local:\/\/invoice-service-.*\.git\/pull\/1$/);
    expect(result.testsBefore).toContain('exit code 1');
    expect(result.testsAfter).toMatch(/^node --test: passed/);
    expect(result.diff).toContain('+  return Math.round(total);');
    expect(result.modelCalls).toBe(12);
    expect(lines.join('\n')).toContain('approving the final gate as demo-reviewer');
    expect(formatDemoReport(result)).toContain('RECORDED');
  });
});
