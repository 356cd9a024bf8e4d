/**
 * The benchmark's fake Claude in a process of its own (bench/run.ts starts it), so the bench
 * process's CPU is the worker's and the API's, and the model's side of each call is counted
 * apart. Prints `{"url": …}` once listening; exits when its parent closes stdin.
 */
import { startFakeAnthropic } from '../src/fakes/fake-anthropic';
import { instantModel } from './instant-model';

async function main(): Promise<void> {
  const fake = await startFakeAnthropic({ fallback: instantModel });
  // Nobody reads the requests back: keep memory flat over thousands of calls.
  fake.onRequest = () => void fake.requests.splice(0);
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
