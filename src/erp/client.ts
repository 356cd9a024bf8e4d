import { AppError } from '../errors';
import type { Span } from '@opentelemetry/api';
import { ATTR, recordHttpStatus, serverAttributes, withClientSpan } from '../telemetry/spans';

/**
 * The ERP's REST API as skills use it (ERP-CONTRACT.md): every call is scoped by
 * `?organizationId=` and `X-Organization-Id`, authenticated with the organization's service
 * key. Errors are AppErrors: 5xx, 429 and network failures retryable, other 4xx not.
 * Redirects are refused, not followed; answers are bounded in time and size.
 */

export interface ErpApiSettings {
  apiUrl: string;
  serviceKey?: string;
}

export interface ErpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Under the API root, e.g. `/clients/c1`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Sent as Idempotency-Key: the ERP applies a retried write once. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ErpClient {
  request(request: ErpRequest): Promise<unknown>;
}

const TIMEOUT_MS = 15_000;
/** Larger answers are refused unread: they would sit in the worker's memory and in a prompt. */
export const MAX_ERP_RESPONSE_BYTES = 5 * 1024 * 1024;

/** The body of a response, refused past `maxBytes` (declared or streamed). */
export async function readCapped(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new AppError('UPSTREAM_REJECTED', `${what} answered ${declared} bytes; more than ${maxBytes} are not read`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += (chunk as Uint8Array).length;
    if (total > maxBytes) throw new AppError('UPSTREAM_REJECTED', `${what} answered more than ${maxBytes} bytes; the rest is not read`);
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createErpClient(settings: ErpApiSettings, organizationId: string): ErpClient {
  const root = settings.apiUrl.replace(/\/+$/, '');
  return {
    // A CLIENT span per call (tracing on): method, host, path and status; never the query, the key or a body.
    request: (request) =>
      withClientSpan(`ERP ${request.method}`, () => ({ ...serverAttributes(root), [ATTR.httpMethod]: request.method, [ATTR.urlPath]: request.path.split('?')[0] ?? '' }), (span) => send(request, span)),
  };

  async function send(request: ErpRequest, span: Span | undefined): Promise<unknown> {
    const url = new URL(`${root}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    // Last, so no query parameter can name another organization.
    url.searchParams.set('organizationId', organizationId);
    const headers: Record<string, string> = { accept: 'application/json', 'x-organization-id': organizationId };
    if (settings.serviceKey) headers['authorization'] = `Bearer ${settings.serviceKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    const signal = request.signal ? AbortSignal.any([request.signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        // A redirect could point the service key, or the model's view, at any address.
        redirect: 'manual',
      });
    } catch (error) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `ERP ${request.method} ${request.path} failed: ${(error as Error).message}`, { retryable: true, cause: error });
    }
    recordHttpStatus(span, response.status);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new AppError('UPSTREAM_REJECTED', `ERP ${request.method} ${request.path} answered a redirect (${response.status}); redirects are not followed: set settings.erp.apiUrl to the final address`, {
        details: { status: response.status },
      });
    }
    const text = await readCapped(response, MAX_ERP_RESPONSE_BYTES, `ERP ${request.method} ${request.path}`);
    if (!response.ok) {
      const retryable = response.status >= 500 || response.status === 429;
      throw new AppError(retryable ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_REJECTED', `ERP ${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 300)}`, {
        retryable,
        details: { status: response.status },
      });
    }
    if (!text) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
}
