/**
 * Writes the typed client's types (src/client/api-types.ts) from the OpenAPI document:
 * `npm run client:generate`. With --check it writes nothing and exits 1 when the file is out
 * of date (tests/api/client.test.ts runs that).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clientTypesSource } from '../client/generate';

async function main(): Promise<void> {
  const file = path.join(__dirname, '..', 'client', 'api-types.ts');
  const source = await clientTypesSource();
  if (process.argv.includes('--check')) {
    if (readFileSync(file, 'utf8') === source) return;
    console.error(`${path.relative(process.cwd(), file)} is out of date: run npm run client:generate`);
    process.exitCode = 1;
    return;
  }
  writeFileSync(file, source);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

void main();
