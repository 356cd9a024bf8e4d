import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleWorkflows, quietBundlerLogger } from '../../src/temporal/worker';
import { uniqueId } from '../support/harness';

/** The worker's sandbox accepts workflows/ as it is, and refuses what would not replay. */
describe('workflow bundle', () => {
  it('bundles workflows/ with every registered workflow', async () => {
    const { code } = await bundleWorkflows();
    expect(code).toContain('issueWorkflow');
    expect(code.length).toBeGreaterThan(10_000);
  });

  it('fails when workflow code imports a Node module', async () => {
    const dir = path.resolve(__dirname, '../../.data/test', uniqueId('bad-workflow'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'index.ts'),
      "import fs from 'fs';\nexport async function leaky(): Promise<boolean> { return fs.existsSync('/'); }\n",
    );
    try {
      await expect(bundleWorkflowCode({ workflowsPath: path.join(dir, 'index.ts'), logger: silentLogger })).rejects.toThrow(
        /importing the following disallowed modules:[\s\S]*'fs'/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const silentLogger = quietBundlerLogger(() => undefined);
