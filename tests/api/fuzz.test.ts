import { createAccessService } from '../../src/identity/service';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/api/app';
import { checked } from '../support/contract';
import type { DatabaseHandle } from '../../src/db/client';
import { createIssueService } from '../../src/issues/service';
import { createScheduleService } from '../../src/skills/schedules';
import { createSkillService } from '../../src/skills/service';
import { temporalRuns } from '../../src/temporal/runs';
import { connectTemporal, createTestOrganization, openTestDatabase, type TemporalHarness, uniqueId } from '../support/harness';

/**
 * At least 500 malformed requests — bodies, headers, paths, methods — and not one 5xx:
 * every bad input is the client's error, answered with our error shape.
 */
describe('API fuzz', () => {
  let db: DatabaseHandle;
  let temporal: TemporalHarness;
  let app: ReturnType<typeof createApp>;
  let apiKey: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    db = await openTestDatabase();
    temporal = await connectTemporal();
    ({ apiKey } = await createTestOrganization(db));
    const taskQueue = uniqueId('tq-fuzz');
    const runs = temporalRuns(temporal.client, { readDeadlineMs: 200 });
    app = checked(createApp({
      issues: createIssueService({ db: db.db, runs, taskQueue, publicBaseUrl: 'http://x', namespace: 'default' }),
      skills: createSkillService({ db: db.db, runs, taskQueue }),
      schedules: createScheduleService({ db: db.db, temporal: temporal.client, taskQueue }),
      access: createAccessService(db.db),
      health: async () => ({}),
      logError: (error) => errors.push(error),
    }));
  });
  afterAll(async () => {
    await temporal.close();
    await db.close();
  });

  // A small deterministic PRNG so a failure reproduces.
  let state = 42;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

  const weird = ['', ' ', 'null', '[]', '{}', '0', '-1', '1e309', 'true', '"x"', '\u0000', '\ud800', '💥'.repeat(3), 'a'.repeat(5000), '<script>', "'; drop table issues; --", '../../etc/passwd', '%00', '%zz'];
  const values = [null, true, false, 0, -1, 1.5, 1e308, '', 'x'.repeat(400), [], {}, [1, 2], { a: { b: { c: [] } } }, 'BUG', 'bug ', 'critical', '\u0000'];
  const skillFields = ['slug', 'name', 'systemPrompt', 'allowedSkills', 'enabled', 'source', 'changelog', 'rollout', 'persona', 'input', 'version', 'eventId', 'payload', 'skill', 'cron', 'intervalSeconds', 'timezone', 'overlap', 'jitterSeconds', 'note', 'start', 'end', 'answeredBy', 'decision'];
  const fields = ['source', 'externalId', 'type', 'priority', 'title', 'description', 'module', 'context', 'budgetUsd', 'decision', 'reviewer', 'answer', 'answeredBy', 'confirm', 'comment', 'gate', 'questionId'];

  /** Percent-encodes a path segment; an unpaired surrogate goes in as raw invalid UTF-8 bytes. */
  const encodeSegment = (segment: string) => {
    try {
      return encodeURIComponent(segment);
    } catch {
      return '%ED%A0%80';
    }
  };

  function body(bodyFields: readonly string[], bodyValues: readonly unknown[]): string {
    const kind = rand();
    if (kind < 0.2) return pick(weird);
    if (kind < 0.3) return randomBytes(Math.floor(rand() * 64)).toString('latin1');
    if (kind < 0.35) return `${'['.repeat(2000)}${']'.repeat(2000)}`;
    const object: Record<string, unknown> = {};
    for (let i = 0; i < 1 + Math.floor(rand() * 6); i++) object[pick(bodyFields)] = pick(bodyValues);
    if (rand() < 0.3) Object.assign(object, { type: 'bug', title: pick(weird) || 't' });
    return JSON.stringify(object);
  }

  const paths = ['/api/issues', '/api/issues', '/api/issues', '/api/issues/', '/api/issues/WEIRD', '/api/issues/00000000-0000-0000-0000-000000000000', '/api/issues/00000000-0000-0000-0000-000000000000/approval', '/api/issues/00000000-0000-0000-0000-000000000000/answers', '/api/issues/00000000-0000-0000-0000-000000000000/budget', '/api/issues/00000000-0000-0000-0000-000000000000/cancel', '/api/issues/not-a-uuid/logs', '/api/issues?limit=-5', '/api/issues?limit=abc&offset=1e99', '/api/issues?status=nope&type=%00', '/api//issues', '/api/%2e%2e/issues', '/api/issues/%ZZ'];
  // Weighted towards valid keys and JSON, so most requests reach validation and the handlers.
  const contentTypes = ['application/json', 'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json\u0000'];
  const auths = () => [`Bearer ${apiKey}`, `Bearer ${apiKey}`, `Bearer ${apiKey}`, `Bearer ${apiKey}`, `Bearer ${apiKey}`, `Bearer ${apiKey}`, 'Bearer ', 'Basic Zm9vOmJhcg==', `bearer ${apiKey}x`, 'Bearer ak_' + 'x'.repeat(500), ''];

  const ID = '00000000-0000-0000-0000-000000000000';
  const skillPaths = ['/api/skills', '/api/skills/WEIRD', '/api/skills/brief-creator/invoke', '/api/skills/WEIRD/invoke', '/api/skills/brief-creator/rollback', '/api/skills/x/versions/WEIRD', '/api/personas', '/api/personas/WEIRD', '/api/invocations', `/api/invocations/${ID}`, '/api/invocations/WEIRD/answers', `/api/invocations/${ID}/approval`, '/api/invocations?status=nope&limit=1e9', '/api/events', '/api/schedules', '/api/schedules/WEIRD', `/api/schedules/${ID}/pause`, `/api/schedules/${ID}/backfill`, '/api/schedules/WEIRD/trigger'];
  const skillValues = [...values, 'brief-creator', '1.0.0', { mode: 'canary', percent: 500 }, { mode: 'pinned', version: 'x' }, ['0 8 * * *'], ['61 * * * *'], 'Mars/Olympus', '2026-01-01T00:00:00Z'];

  it.each([
    ['issues', paths, fields, values],
    ['skills, personas, invocations, events and schedules', skillPaths, skillFields, skillValues],
  ] as const)('answers 600 malformed requests to the %s routes with 4xx only', async (_name, routePaths, bodyFields, bodyValues) => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const method = pick(['GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']);
      const url = pick(routePaths).replace('WEIRD', encodeSegment(pick(weird)));
      const headers: Record<string, string> = {};
      const auth = pick(auths());
      if (auth) headers.authorization = auth;
      const contentType = pick(contentTypes).replace('\u0000', '');
      if (contentType) headers['content-type'] = contentType;
      const response = await app.request(url, { method, headers, body: method === 'GET' || method === 'DELETE' ? undefined : body(bodyFields, bodyValues) });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) {
        throw new Error(`${method} ${url} → ${response.status}: ${await response.text()}`);
      }
      const json = (await response.json().catch(() => null)) as { error?: { code?: string }; requestId?: string } | null;
      if (response.status >= 400) {
        expect(json?.error?.code).toEqual(expect.any(String));
        expect(json?.requestId).toEqual(expect.any(String));
      }
    }
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(statuses.size).toBeGreaterThan(3); // a spread of 4xx (and some 2xx), not one answer to everything
    expect(errors).toEqual([]);
  });

  it('refuses a slug with a NUL byte or other characters no slug has with 422, before Postgres sees it', async () => {
    // Found by the fuzzer above: a NUL in a slug reached Postgres ("invalid byte sequence") as a 500.
    for (const url of ['/api/skills/%00', '/api/skills/a%00b/versions/1.0.0', '/api/personas/%F0%9F%92%A5', `/api/skills/${'a'.repeat(81)}`]) {
      const response = await app.request(url, { headers: { authorization: `Bearer ${apiKey}` } });
      expect({ url, status: response.status }).toEqual({ url, status: 422 });
    }
  });
});
