import { eq, sql } from 'drizzle-orm';
import { writeFileSync } from 'node:fs';
import { createApp } from '../../src/api/app';
import type { DatabaseHandle } from '../../src/db/client';
import { issueApiKey } from '../../src/db/organizations';
import { apiKeys, callbackDeliveries, organizations, issueLogs } from '../../src/db/schema';
import { createAccessService } from '../../src/identity/service';
import { createIssueService } from '../../src/issues/service';
import { createDeliveryLogService } from '../../src/erp/delivery-log';
import { createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';
import { InMemoryRuns } from '../support/in-memory-runs';

const out: unknown[] = [];
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('attack', () => {
  let db: DatabaseHandle;
  const runs = new InMemoryRuns();
  let app: ReturnType<typeof createApp>;
  let A: string, A2: string, Areview: string, B: string, orgA: string, orgB: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    db = await openTestDatabase();
    const a = await createTestOrganization(db); A = a.apiKey; orgA = a.organization.id;
    const b = await createTestOrganization(db); B = b.apiKey; orgB = b.organization.id;
    A2 = (await issueApiKey(db.db, orgA, 'second', { scopes: ['admin'] })).key;
    Areview = (await issueApiKey(db.db, orgA, 'rev', { scopes: ['review'] })).key;
    const issues = createIssueService({ db: db.db, runs, taskQueue: uniqueId('tq'), publicBaseUrl: 'https://o.example', temporalUiUrl: 'http://localhost:8233', namespace: 'default' });
    app = createApp({ issues, access: createAccessService(db.db), idempotencyStore: db.db, deliveries: createDeliveryLogService(db.db), health: async () => ({}), logError: (e) => errors.push(String((e as Error)?.stack ?? e)) });
  });
  afterAll(async () => { writeFileSync('/tmp/attack-out.json', JSON.stringify({ out, errors }, null, 1)); await db.close(); });

  const req = async (label: string, method: string, path: string, opts: { key?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) };
    let res: Response;
    try { res = await app.request(path, { method, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) }); }
    catch (e) { out.push({ label, threw: String(e) }); return { status: -1, text: '', headers: new Headers() }; }
    const text = await res.text();
    out.push({ label, method, path: path.length > 200 ? path.slice(0, 200) + '…' : path, status: res.status, replayed: res.headers.get('idempotent-replayed'), ctype: res.headers.get('content-type'), len: text.length, body: text.slice(0, 600) });
    return { status: res.status, text, headers: res.headers };
  };
  const issue = (title: string, extra: object = {}) => JSON.stringify({ source: 'manual', type: 'bug', priority: 'high', title, description: 'x', ...extra });

  it('idempotency', async () => {
    const k = uniqueId('k');
    await req('I1 A creates with key', 'POST', '/api/issues', { key: A, body: issue('t1'), headers: { 'Idempotency-Key': k } });
    await req('I2 orgB same key same body', 'POST', '/api/issues', { key: B, body: issue('t1'), headers: { 'Idempotency-Key': k } });
    await req('I3 A2 (same org, other key) same key', 'POST', '/api/issues', { key: A2, body: issue('t1'), headers: { 'Idempotency-Key': k } });
    await req('I4 lowercase header replay', 'POST', '/api/issues', { key: A, body: issue('t1'), headers: { 'idempotency-key': k } });
    await req('I5 uppercase header replay', 'POST', '/api/issues', { key: A, body: issue('t1'), headers: { 'IDEMPOTENCY-KEY': k } });
    await req('I6 key differing by case', 'POST', '/api/issues', { key: A, body: issue('t1'), headers: { 'Idempotency-Key': k.toUpperCase() } });
    await req('I7 latin1 key', 'POST', '/api/issues', { key: A, body: issue('t1'), headers: { 'Idempotency-Key': 'k\u00e9y' } });
    await req('I8 huge key 10000', 'POST', '/api/issues', { key: A, body: issue('t1'), headers: { 'Idempotency-Key': 'x'.repeat(10000) } });
    await req('I9 key 255', 'POST', '/api/issues', { key: A, body: issue('t9'), headers: { 'Idempotency-Key': 'y'.repeat(255) } });
    await req('I10 two keys comma', 'POST', '/api/issues', { key: A, body: issue('t1'), headers: { 'Idempotency-Key': `${k},${k}` } });
    // poisoning from a low-scope key in same org
    const p = uniqueId('order');
    await req('I11 review key POST unknown route w/ key', 'POST', '/api/nothing-here', { key: Areview, body: '{}', headers: { 'Idempotency-Key': p } });
    await req('I12 review key POST /api/issues (403) w/ key2', 'POST', '/api/issues', { key: Areview, body: issue('x'), headers: { 'Idempotency-Key': p + 'b' } });
    await req('I13 admin uses poisoned key', 'POST', '/api/issues', { key: A, body: issue('tp'), headers: { 'Idempotency-Key': p } });
    await req('I13b admin uses key2 (403 earlier)', 'POST', '/api/issues', { key: A, body: issue('tp'), headers: { 'Idempotency-Key': p + 'b' } });
    await req('I14 review key POST cancel nonexistent issue (404 stored)', 'POST', '/api/issues/00000000-0000-4000-8000-000000000000/cancel', { key: Areview, headers: { 'Idempotency-Key': p + 'c' } });
    // scope downgrade replay
    const d = uniqueId('down');
    const A3 = await issueApiKey(db.db, orgA, 'down', { scopes: ['admin'] });
    await req('I15 A3 admin create', 'POST', '/api/issues', { key: A3.key, body: issue('down'), headers: { 'Idempotency-Key': d } });
    await db.db.update(apiKeys).set({ scopes: ['review'] } as never).where(eq(apiKeys.id, A3.id));
    await req('I16 A3 now review: replay', 'POST', '/api/issues', { key: A3.key, body: issue('down'), headers: { 'Idempotency-Key': d } });
    await req('I17 A3 now review: fresh', 'POST', '/api/issues', { key: A3.key, body: issue('down2'), headers: { 'Idempotency-Key': d + 'x' } });
    // path variants
    const q = uniqueId('pv');
    await req('I18 /api/issues/ trailing slash', 'POST', '/api/issues/', { key: A, body: issue('pv'), headers: { 'Idempotency-Key': q } });
    await req('I19 /api//issues', 'POST', '/api//issues', { key: A, body: issue('pv'), headers: { 'Idempotency-Key': q + 'z' } });
    // non-JSON equal text vs JSON
    const r = uniqueId('raw');
    await req('I20 malformed json', 'POST', '/api/issues', { key: A, body: '{bad', headers: { 'Idempotency-Key': r } });
    await req('I21 then valid', 'POST', '/api/issues', { key: A, body: issue('raw'), headers: { 'Idempotency-Key': r } });
    // concurrent different bodies same key
    const c = uniqueId('cc');
    const res = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => app.request('/api/issues', { method: 'POST', headers: { authorization: `Bearer ${A}`, 'content-type': 'application/json', 'Idempotency-Key': c }, body: issue(`cc${i}`) })));
    out.push({ label: 'I22 concurrent different bodies', statuses: res.map((x) => x.status) });
    const cnt = await db.db.execute(sql`select count(*)::int as n from issues where organization_id = ${orgA} and title like 'cc%'`);
    out.push({ label: 'I22 issues created', rows: (cnt as unknown as { rows?: unknown[] }).rows ?? cnt });
  });

  it('cursors', async () => {
    const uuid = '00000000-0000-4000-8000-000000000000';
    const cursors: Array<[string, unknown]> = [
      ['bad range ts', ['9999-99-99T99:99:99Z', uuid]],
      ['year 0000', ['0000-01-01T00:00:00Z', uuid]],
      ['offset +99', ['2024-01-01T00:00:00+99', uuid]],
      ['offset +9999', ['2024-01-01T00:00:00+9999', uuid]],
      ['feb 30', ['2024-02-30T00:00:00Z', uuid]],
      ['sqli id', ['2024-01-01T00:00:00Z', "x' or '1'='1"]],
      ['future ok', ['2999-01-01T00:00:00Z', uuid]],
      ['num id for uuid', ['2999-01-01T00:00:00Z', 5]],
    ];
    const { text } = await req('C0 create issue for logs', 'POST', '/api/issues', { key: A, body: issue('forlogs') });
    const issueId = JSON.parse(text).id;
    await db.db.insert(issueLogs).values({ organizationId: orgA, issueId, level: 'info', message: 'secret-log-A' } as never);
    for (const [label, c] of cursors) {
      await req(`C issues ${label}`, 'GET', `/api/issues?cursor=${b64(c)}`, { key: A });
      const big: unknown = [c as unknown[]].map((x) => [x[0], typeof x[1] === 'string' && x[1] === uuid ? 12 : x[1]])[0];
      await req(`C audit ${label}`, 'GET', `/api/audit?cursor=${b64(big)}`, { key: A });
      await req(`C logs ${label}`, 'GET', `/api/issues/${issueId}/logs?cursor=${b64(big)}`, { key: A });
      await req(`C deliveries ${label}`, 'GET', `/api/webhook-deliveries?cursor=${b64(c)}`, { key: A });
    }
    await req('C audit big int id', 'GET', `/api/audit?cursor=${b64(['9999-99-99T99:99:99Z', 9007199254740991])}`, { key: A });
    await req('C audit from year 10000', 'GET', `/api/audit?from=${encodeURIComponent('9999-12-31T23:59:59-23:59')}`, { key: A });
    await req('C audit to year 10000', 'GET', `/api/audit?to=${encodeURIComponent('9999-12-31T23:59:59-23:59')}`, { key: A });
    await req('C cursor 1001', 'GET', `/api/issues?cursor=${'A'.repeat(1001)}`, { key: A });
    await req('C cursor not b64', 'GET', `/api/issues?cursor=%00%ff`, { key: A });
    await req('C cross-tenant logs', 'GET', `/api/issues/${issueId}/logs`, { key: B });
    await req('C cursor+offset', 'GET', `/api/issues?offset=1&cursor=${b64(['2999-01-01T00:00:00Z', uuid])}`, { key: A });
    await req('C logs limit 1e400', 'GET', `/api/issues/${issueId}/logs?limit=1e400`, { key: A });
    await req('C dup limit', 'GET', `/api/issues?limit=1&limit=2`, { key: A });
  });

  it('validation', async () => {
    await req('V1 __proto__ top', 'POST', '/api/issues', { key: A, body: issue('pp', {}).replace(/^\{/, '{"__proto__":{"polluted":1},') });
    await req('V2 constructor top', 'POST', '/api/issues', { key: A, body: issue('pp', { constructor: { prototype: { polluted: 1 } } }) });
    const { text } = await req('V3 __proto__ in metadata', 'POST', '/api/issues', { key: A, body: issue('pp3').replace(/\}$/, ',"context":{"metadata":{"__proto__":{"polluted":1},"a":1},"__proto__":{"x":1}}}') });
    out.push({ label: 'V3 polluted?', polluted: ({} as Record<string, unknown>)['polluted'], x: ({} as Record<string, unknown>)['x'] });
    if (text.includes('"id"')) await req('V3b get it', 'GET', `/api/issues/${JSON.parse(text).id}`, { key: A });
    await req('V4 query __proto__', 'GET', '/api/issues?__proto__=1&constructor=2', { key: A });
    await req('V5 query __proto__[x]', 'GET', '/api/issues?__proto__[polluted]=1', { key: A });
    const longKey = 'K'.repeat(500_000);
    const r = await req('V6 huge unknown key', 'POST', '/api/issues', { key: A, body: issue('hk').replace(/^\{/, `{"${longKey}":1,`) });
    out.push({ label: 'V6 response length', len: r.text.length });
    const r2 = await req('V6b 3000 unknown keys', 'POST', '/api/issues', { key: A, body: issue('hk', Object.fromEntries(Array.from({ length: 30000 }, (_, i) => [`k${i}`, 1]))) });
    out.push({ label: 'V6b response length', len: r2.text.length });
    await req('V7 huge title', 'POST', '/api/issues', { key: A, body: issue('T'.repeat(900_000)) });
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    await req('V8 deep nesting metadata 200k', 'POST', '/api/issues', { key: A, body: issue('deep').replace(/\}$/, `,"context":{"metadata":{"a":${deep}}}}`) });
    const deep2 = '['.repeat(5_000) + ']'.repeat(5_000);
    await req('V9 deep nesting metadata 5k', 'POST', '/api/issues', { key: A, body: issue('deep2').replace(/\}$/, `,"context":{"metadata":{"a":${deep2}}}}`), headers: { 'Idempotency-Key': uniqueId('deep') } });
    await req('V10 deep nesting at top w/ key', 'POST', '/api/issues', { key: A, body: deep, headers: { 'Idempotency-Key': uniqueId('deep') } });
    await req('V11 type as number', 'POST', '/api/issues', { key: A, body: issue('x', { type: 1e308, budgetUsd: 'NaN' }) });
    await req('V12 array body', 'POST', '/api/issues', { key: A, body: '[1,2]' });
    await req('V13 null body', 'POST', '/api/issues', { key: A, body: 'null' });
    await req('V14 unicode key names', 'POST', '/api/issues', { key: A, body: issue('x', { ['\u202e\u0000<script>']: 1 }) });
  });

  it('deliveries', async () => {
    const row = (org: string, url: string, status = 'failed') => ({ organizationId: org, deliveryId: uniqueId('dl'), event: 'issue.status_changed', url, status, attempts: 1, payload: { status: 'done', note: 'p' } });
    const [a1] = await db.db.insert(callbackDeliveries).values(row(orgA, 'https://user:pw@erp.example/hook/SECRETPATH?token=QSECRET#frag') as never).returning();
    const [b1] = await db.db.insert(callbackDeliveries).values(row(orgB, 'https://b.example/hook?token=BSECRET') as never).returning();
    await req('D1 A lists', 'GET', '/api/webhook-deliveries', { key: A });
    await req('D2 B lists', 'GET', '/api/webhook-deliveries', { key: B });
    await req('D3 review key lists', 'GET', '/api/webhook-deliveries', { key: Areview });
    await req('D4 A redeliver B row', 'POST', `/api/webhook-deliveries/${b1!.id}/redeliver`, { key: A });
    await req('D5 review key redeliver A row', 'POST', `/api/webhook-deliveries/${a1!.id}/redeliver`, { key: Areview });
    await req('D6 A redeliver by deliveryId of B', 'POST', `/api/webhook-deliveries/${b1!.deliveryId}/redeliver`, { key: A });
    await req('D7 list with issueId filter junk', 'GET', '/api/webhook-deliveries?issueId=1%27or%271', { key: A });
    await req('D8 status=FAILED', 'GET', '/api/webhook-deliveries?status=FAILED&event=ISSUE.STATUS_CHANGED', { key: A });
    // set org A callback with credentials + token, redeliver a1 → error message?
    await db.db.update(organizations).set({ settings: { erp: { callbackUrl: 'https://user:S3CRETPW@127.0.0.1:9/hook?token=QTOKEN' } } } as never).where(eq(organizations.id, orgA));
    await req('D9 redeliver with credentialed callbackUrl', 'POST', `/api/webhook-deliveries/${a1!.id}/redeliver`, { key: A });
    await req('D10 list after', 'GET', '/api/webhook-deliveries', { key: A });
    await db.db.update(organizations).set({ settings: { erp: { callbackUrl: 'http://127.0.0.1:9/hook?token=QTOKEN2' } } } as never).where(eq(organizations.id, orgA));
    await req('D11 redeliver conn refused', 'POST', `/api/webhook-deliveries/${a1!.id}/redeliver`, { key: A });
    await req('D12 audit of redeliver (review key refused logged?)', 'GET', '/api/audit?action=webhook.redeliver', { key: A });
    await req('D13 redeliver long id', 'POST', `/api/webhook-deliveries/${'z'.repeat(5000)}/redeliver`, { key: A });
  });

  it('docs', async () => {
    for (const n of ['swagger-ui.css', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '..%2f..%2fpackage.json', '%2e%2e%2fpackage.json', '..%5c..%5cpackage.json', 'index.html', 'swagger-ui-bundle.js%00.css']) {
      const r = await req(`DOC ${n}`, 'GET', `/docs/assets/${n}`);
      if (r.status === 200) (out[out.length - 1] as Record<string, unknown>)['body'] = r.text.slice(0, 80);
    }
    await req('DOC ../../package.json raw', 'GET', '/docs/assets/../../package.json');
    await req('DOC /docs/', 'GET', '/docs/');
  });
});
