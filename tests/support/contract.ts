import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/api/openapi';

/**
 * Holds the API to its OpenAPI document: every response a test receives through `checked(app)`
 * must be a documented status of its operation, and its JSON body must validate against that
 * status's schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). A violation fails the
 * request — and so the test — with what differs. Routes the document does not have (a 404 for
 * a path nobody serves) are not checked.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Operation {
  pattern: RegExp;
  template: string;
  method: string;
  responses: Record<string, Json>;
}

let compiled: { operations: Operation[]; ajv: Ajv2020; validators: Map<string, ValidateFunction> } | undefined;

function contract() {
  if (compiled) return compiled;
  const document = openApiDocument() as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: document['components'] });
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(document['paths'] as Record<string, Record<string, Json>>)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    for (const [method, operation] of Object.entries(methods)) operations.push({ pattern, template, method: method.toUpperCase(), responses: operation['responses'] });
  }
  // The most specific template first (literal segments beat parameters).
  operations.sort((a, b) => b.template.replace(/\{\w+\}/g, '').length - a.template.replace(/\{\w+\}/g, '').length);
  compiled = { operations, ajv, validators: new Map() };
  return compiled;
}

/** Problems of one response against the document; empty when it conforms. */
export async function contractProblems(method: string, url: string, response: Response): Promise<string[]> {
  const { operations, ajv, validators } = contract();
  const pathname = new URL(url, 'http://x').pathname;
  const operation = operations.find((candidate) => candidate.method === method.toUpperCase() && candidate.pattern.test(pathname));
  if (!operation) return [];
  const where = `${method.toUpperCase()} ${operation.template} (${url}) → ${response.status}`;
  const documented = operation.responses[String(response.status)] ?? operation.responses['default'];
  if (!documented) return [`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
  const schema = documented['content']?.['application/json']?.['schema'] as Json | undefined;
  const text = await response.clone().text();
  if (!schema) return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${where}: documented as JSON, answered ${JSON.stringify(text.slice(0, 100))}`];
  }
  const key = `${operation.method} ${operation.template} ${response.status}`;
  let validate = validators.get(key);
  if (!validate) {
    const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')) as Json;
    validate = ajv.compile(resolved);
    validators.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 8).map((error) => `${where}: ${error.instancePath || '(body)'} ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params['additionalProperty'])})` : ''}`);
}

/** `app` whose every response is checked against the contract (see above). */
export function checked<App extends { request: (input: string, init?: RequestInit) => Response | Promise<Response> }>(app: App): App {
  const request = async (input: string, init?: RequestInit) => {
    const response = await app.request(input, init);
    const problems = await contractProblems(init?.method ?? 'GET', input, response);
    if (problems.length > 0) throw new Error(`The response breaks the OpenAPI contract:\n${problems.join('\n')}`);
    return response;
  };
  return new Proxy(app, { get: (target, property, receiver) => (property === 'request' ? request : Reflect.get(target, property, receiver)) });
}

/** A fetch that answers from `app` in process (for the typed client in tests). */
export function fetchThrough(app: { request: (input: string, init?: RequestInit) => Response | Promise<Response> }) {
  return async (request: Request): Promise<Response> =>
    app.request(request.url, { method: request.method, headers: request.headers, ...(request.body ? { body: await request.text() } : {}) });
}
