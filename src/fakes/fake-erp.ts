import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ERP_BUILD_COLLECTIONS, type ErpBuildCollection, type ContentTrigger, triggerCycle } from '../contracts/erp-records';

/**
 * A local HTTP server that speaks the ERP's REST API as skills use it (`/api/v1/<collection>`,
 * ERP-CONTRACT.md): records in memory, `?organizationId=` + `X-Organization-Id` scoping, a
 * Bearer service key, Idempotency-Key on writes, and the AgentSkill endpoint skills sync to.
 * Form templates and content triggers are validated as the ERP would (src/contracts/erp-records.ts):
 * their shape (422), a name unique in the organization (409), a skill an action invokes that the
 * organization has and has enabled, and no chain of triggers that loops (422).
 * Tests point organizations' `settings.erp.apiUrl` at it.
 */

export interface FakeErpRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeErp {
  /** The API root to put in settings.erp.apiUrl. */
  apiUrl: string;
  serviceKey: string;
  requests: FakeErpRequest[];
  /** collection → id → record (all organizations; each record carries organizationId). */
  records: Map<string, Map<string, Record<string, unknown>>>;
  seed(collection: string, record: Record<string, unknown> & { id: string; organizationId: string }): void;
  /** Holds the next request to `METHOD /path` for `ms` before answering (a slow ERP). */
  delayNext(method: string, path: string, ms: number): void;
  /** Called for every request as it arrives (tests use it to crash a worker mid-call). */
  onRequest?: (request: FakeErpRequest) => void;
  close(): Promise<void>;
}

export async function startFakeErp(options: { serviceKey?: string } = {}): Promise<FakeErp> {
  const serviceKey = options.serviceKey ?? 'erp-service-key-test';
  const requests: FakeErpRequest[] = [];
  const records = new Map<string, Map<string, Record<string, unknown>>>();
  /** organization + Idempotency-Key → the request's body and the record it made. */
  const byIdempotencyKey = new Map<string, { body: string; record: Record<string, unknown> }>();
  const delays = new Map<string, number>();
  const collectionOf = (name: string) => {
    const existing = records.get(name) ?? new Map<string, Record<string, unknown>>();
    records.set(name, existing);
    return existing;
  };

  /** Answers one request from the in-memory records. */
  function answer(req: FakeErpRequest, res: http.ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${serviceKey}`) return send(res, 401, { error: 'service key required' });
    const organizationId = req.query['organizationId'];
    if (!organizationId || req.headers['x-organization-id'] !== organizationId) return send(res, 400, { error: 'organizationId and X-Organization-Id must match' });
    const match = /^\/api\/v1\/([a-z-]+)(?:\/([^/]+))?\/?$/.exec(req.path);
    if (!match) return send(res, 404, { error: `no route ${req.path}` });
    const [, collection = '', id] = match;
    const items = collectionOf(collection);
    const idempotencyKey = req.headers['idempotency-key'];
    const ownRecord = (recordId: string) => {
      const record = items.get(recordId);
      return record && record['organizationId'] === organizationId ? record : undefined;
    };

    if (req.method === 'GET' && id) {
      const record = ownRecord(decodeURIComponent(id));
      return record ? send(res, 200, record) : send(res, 404, { error: `${collection}/${id} not found` });
    }
    if (req.method === 'GET') {
      const filters = Object.entries(req.query).filter(([key]) => key !== 'organizationId');
      const found = [...items.values()].filter((record) => record['organizationId'] === organizationId && filters.every(([key, value]) => String(record[key]) === value));
      return send(res, 200, { items: found });
    }
    if (req.method === 'POST' && !id) {
      // Keys are the organization's own; a key reused for another body is refused (as Stripe-like APIs do).
      const keyed = typeof idempotencyKey === 'string' ? `${organizationId}\u0000${idempotencyKey}` : undefined;
      const earlier = keyed ? byIdempotencyKey.get(keyed) : undefined;
      if (earlier) return earlier.body === JSON.stringify(req.body ?? {}) ? send(res, 200, earlier.record) : send(res, 422, { error: `Idempotency-Key ${String(idempotencyKey)} was used for another request` });
      let fields = (req.body ?? {}) as Record<string, unknown>;
      if (collection in ERP_BUILD_COLLECTIONS) {
        const refused = validateBuilderRecord(collection as ErpBuildCollection, fields, organizationId);
        if ('status' in refused) return send(res, refused.status, { error: refused.error });
        fields = refused.record;
      }
      // AgentSkill is keyed by slug: a sync of a new version updates the same record.
      const existing = collection === 'agent-skills' ? [...items.values()].find((r) => r['organizationId'] === organizationId && r['slug'] === fields['slug']) : undefined;
      const record = { ...existing, ...fields, id: existing?.['id'] ?? randomUUID(), organizationId }; // the scope is ours, not the body's
      items.set(record.id as string, record);
      if (keyed) byIdempotencyKey.set(keyed, { body: JSON.stringify(req.body ?? {}), record });
      return send(res, existing ? 200 : 201, record);
    }
    if (req.method === 'PATCH' && id) {
      const record = ownRecord(decodeURIComponent(id));
      if (!record) return send(res, 404, { error: `${collection}/${id} not found` });
      const { id: _id, organizationId: _organization, ...changes } = (req.body ?? {}) as Record<string, unknown>;
      Object.assign(record, changes);
      return send(res, 200, record);
    }
    return send(res, 405, { error: `${req.method} not supported here` });
  }

  /** A form template or content trigger as the ERP would take it, or its refusal. */
  function validateBuilderRecord(collection: ErpBuildCollection, body: Record<string, unknown>, organizationId: string): { record: Record<string, unknown> } | { status: number; error: string } {
    const parsed = ERP_BUILD_COLLECTIONS[collection].safeParse(body);
    if (!parsed.success) return { status: 422, error: z.prettifyError(parsed.error) };
    const record = parsed.data as Record<string, unknown> & { name: string };
    const own = [...collectionOf(collection).values()].filter((existing) => existing['organizationId'] === organizationId);
    if (own.some((existing) => existing['name'] === record.name)) return { status: 409, error: `a ${collection.slice(0, -1)} named ${record.name} exists` };
    if (collection === 'content-triggers') {
      const trigger = record as unknown as ContentTrigger;
      if (trigger.action.type === 'invoke_skill') {
        const skill = trigger.action.skill;
        const known = [...collectionOf('agent-skills').values()].find((existing) => existing['organizationId'] === organizationId && existing['slug'] === skill);
        if (!known || known['isEnabled'] === false) return { status: 422, error: `action.skill: no enabled agent skill ${skill}` };
      }
      const cycle = triggerCycle([...(own as unknown as ContentTrigger[]), trigger]);
      if (cycle) return { status: 422, error: `the triggers would loop: ${cycle.join(' → ')}` };
    }
    return { record };
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://erp.local');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return send(res, 400, { error: 'malformed JSON' });
      }
      const recorded: FakeErpRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
      requests.push(recorded);
      fake.onRequest?.(recorded);
      const delayKey = `${recorded.method} ${recorded.path}`;
      const delay = delays.get(delayKey);
      if (delay === undefined) return answer(recorded, res);
      delays.delete(delayKey);
      setTimeout(() => answer(recorded, res), delay).unref();
      return undefined;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeErp = {
    apiUrl: `http://127.0.0.1:${port}/api/v1`,
    serviceKey,
    requests,
    records,
    seed(collection, record) {
      collectionOf(collection).set(record.id, { ...record });
    },
    delayNext(method, path, ms) {
      delays.set(`${method} ${path}`, ms);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
