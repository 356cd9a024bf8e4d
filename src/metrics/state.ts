import { sql } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import type { Database } from '../db/client';
import { executedRows } from '../db/json-rows';
import { callbackDeliveries, issues, webhookDeliveries } from '../db/schema';
import { metricsRegistry } from './registry';

/**
 * What the API's /metrics reads from Postgres (and the limiter) when it is scraped: issues by
 * status and stage, how many wait for people and for how long, the queue, slot use, webhook
 * deliveries in and out. Read in one statement per scrape, by whichever API app registered
 * last (tests build many apps in one process; production has one).
 */
export interface StateSource {
  db: Database;
  /** Running and waiting pipelines of the concurrency limiter; undefined when it does not answer in time. */
  slots?: () => Promise<{ running: number; waiting: number } | undefined>;
}

let source: StateSource | undefined;

export function useStateSource(next: StateSource): void {
  source = next;
}

const registers = [metricsRegistry];

/** One read per scrape: every gauge's collect waits for the same one (fresh for a second). */
let lastRead: { at: number; done: Promise<void> } | undefined;
function collect(): Promise<void> {
  if (!lastRead || Date.now() - lastRead.at > 1_000) lastRead = { at: Date.now(), done: readState().catch(() => undefined) };
  return lastRead.done;
}
const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Gauge<L>({ name, help, labelNames, registers, collect });

const issuesByState = gauge('orchestrator_issues', 'Issues not yet ended, by status and stage', ['status', 'stage']);
const issuesEnded = gauge('orchestrator_issues_ended_last_hour', 'Issues that ended in the last hour, by status', ['status']);
const humanWaits = gauge('orchestrator_human_waits', 'Issues waiting for a person, by what (approval, question, budget)', ['kind']);
const humanWaitOldest = gauge('orchestrator_human_wait_oldest_seconds', 'How long the longest current wait for a person has lasted, by what', ['kind']);
const queued = gauge('orchestrator_issues_queued', 'Issues stored and not yet in a stage (waiting for a slot, or for Temporal)');
const slots = gauge('orchestrator_pipeline_slots', "The concurrency limiter's pipelines, by state (running, waiting)", ['state']);
const webhooksIn = gauge('orchestrator_webhooks_received_last_day', 'Webhook deliveries received in the last day, by source (erp, github)', ['source']);
const callbacksOut = gauge('orchestrator_callbacks_last_day', 'Status events sent to ERPs in the last day, by delivery status (pending, delivered, failed)', ['status']);
const notificationsOut = gauge('orchestrator_notifications_last_day', 'Notices sent to notification channels in the last day, by channel (webhook, slack) and delivery status', ['channel', 'status']);

const TERMINAL = sql.raw(`('completed','rejected','needs_info','approval_expired','failed','cancelled')`);

async function readState(): Promise<void> {
  for (const each of [issuesByState, issuesEnded, humanWaits, humanWaitOldest, queued, slots, webhooksIn, callbacksOut, notificationsOut]) each.reset();
  queued.set(0);
  if (!source) return;
  const [result, slotUse] = await Promise.all([
    source.db.execute(sql`
      select 'issues' as metric, status as a, coalesce(stage, 'none') as b, count(*)::float8 as value from ${issues} where status not in ${TERMINAL} group by 2, 3
      union all select 'ended', status, '', count(*) from ${issues} where status in ${TERMINAL} and completed_at > now() - interval '1 hour' group by 2
      union all select 'waits', pending->>'kind', '', count(*) from ${issues} where status like 'awaiting_%' and pending is not null group by 2
      union all select 'oldest', pending->>'kind', '', max(extract(epoch from now() - (pending->>'since')::timestamptz)) from ${issues} where status like 'awaiting_%' and pending is not null group by 2
      union all select 'webhooks', source, '', count(*) from ${webhookDeliveries} where created_at > now() - interval '1 day' group by 2
      union all select case when channel = 'erp' then 'callbacks' else 'notifications' end, status, channel, count(*) from ${callbackDeliveries} where created_at > now() - interval '1 day' group by 1, 2, 3`),
    source.slots?.().catch(() => undefined),
  ]);
  for (const row of executedRows(result)) {
    const [a, b, value] = [String(row['a']), String(row['b']), Number(row['value'])];
    switch (row['metric']) {
      case 'issues':
        issuesByState.set({ status: a, stage: b }, value);
        if (a === 'queued') queued.inc(value);
        break;
      case 'ended':
        issuesEnded.set({ status: a }, value);
        break;
      case 'waits':
        humanWaits.set({ kind: a }, value);
        break;
      case 'oldest':
        humanWaitOldest.set({ kind: a }, value);
        break;
      case 'webhooks':
        webhooksIn.set({ source: a }, value);
        break;
      case 'callbacks':
        callbacksOut.set({ status: a }, value);
        break;
      case 'notifications':
        notificationsOut.set({ channel: b, status: a }, value);
        break;
    }
  }
  if (slotUse) {
    slots.set({ state: 'running' }, slotUse.running);
    slots.set({ state: 'waiting' }, slotUse.waiting);
  }
}
