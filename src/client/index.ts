import createFetchClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api-types';

/**
 * A typed client for the orchestrator's API: every path, parameter, body and answer is typed
 * from the OpenAPI document (api-types.ts is generated from it).
 *
 *   const api = createOrchestratorClient({ baseUrl: 'http://127.0.0.1:3000', apiKey });
 *   const { data, error, response } = await api.POST('/api/issues', {
 *     body: { type: 'bug', title: 'Export crashes', source: 'erp', externalId: 'ERP-1' },
 *     params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
 *   });
 *   if (error) console.error(error.error.code, error.error.details);
 *   else console.log(data.id, data.trackingUrl);
 */

export type OrchestratorClient = Client<paths>;
export type Schemas = components['schemas'];
export type Issue = Schemas['Issue'];
export type ApiError = Schemas['Error'];

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Another fetch (a test's in-process app, a proxy agent); the global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
  headers?: Record<string, string>;
}

export function createOrchestratorClient(options: ClientOptions): OrchestratorClient {
  return createFetchClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}`, ...options.headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
