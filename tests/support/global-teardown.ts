import fs from 'node:fs';
import type { DevServer } from '../../src/temporal/dev-server';

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  await (globals.__testTemporal as DevServer | undefined)?.stop();
  const bundlePath = globals.__testBundlePath as string | undefined;
  if (bundlePath) fs.rmSync(bundlePath, { force: true });
}
