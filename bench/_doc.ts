import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/api/openapi';
writeFileSync('/tmp/openapi.json', JSON.stringify(openApiDocument('http://127.0.0.1:3000'), null, 2));
