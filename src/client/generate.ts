import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../api/openapi';

const HEADER = `/**
 * The API's types, generated from /openapi.json by \`npm run client:generate\`: do not edit.
 * A test fails when this file and the document disagree.
 */
`;

/** The TypeScript of src/client/api-types.ts for the current OpenAPI document. */
export async function clientTypesSource(): Promise<string> {
  const document = openApiDocument('http://127.0.0.1:3000');
  const ast = await openapiTS(document as never, { alphabetize: true });
  return HEADER + astToString(ast);
}
