/** `npm run build:workflows`: writes the prebuilt workflow bundle a production worker loads. */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../temporal/worker';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflows();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  console.log(`Wrote ${out} (${Math.round(code.length / 1024)} KiB). Run the worker with WORKFLOW_BUNDLE_PATH=${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
