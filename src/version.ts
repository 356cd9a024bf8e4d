import fs from 'node:fs';
import path from 'node:path';

/** The orchestrator's version (package.json), reported by /health. */
export const APP_VERSION: string = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
