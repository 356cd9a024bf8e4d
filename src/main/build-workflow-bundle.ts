/**
 * `npm run build:workflows`: writes the prebuilt workflow bundles a production worker loads —
 * the plain one, and beside it the one with the tracing interceptors (`*.traced.js`), which a
 * worker picks when tracing is on (README "Tracing").
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows, tracedBundlePath } from '../temporal/worker';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  for (const [file, tracing] of [[out, false], [tracedBundlePath(out), true]] as const) {
    const { code } = await bundleWorkflows({ tracing });
    fs.writeFileSync(file, code);
    console.log(`Wrote ${file} (${Math.round(code.length / 1024)} KiB)`);
  }
  console.log(`Run the worker with WORKFLOW_BUNDLE_PATH=${out} (with tracing on, it loads ${path.basename(tracedBundlePath(out))})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
