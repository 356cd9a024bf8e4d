import type { Config } from '../config';

/** Split processes need a Temporal server they did not start; say how to get one. */
export function requireTemporalAddress(config: Config, processName: string): string {
  if (config.temporal.address) return config.temporal.address;
  throw new Error(
    `${processName}: TEMPORAL_ADDRESS is not set. Start a dev server with \`npm run temporal:dev\` ` +
      '(then TEMPORAL_ADDRESS=127.0.0.1:7233), point at your cluster, or run everything with `npm run dev`.',
  );
}
