import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { IssueChangeFeed, IssueChangeSignal } from '../issues/changes';
import type { IssueService } from '../issues/service';
import { isTerminal, type IssueView } from '../issues/view';
import { costText, pendingKeyOf } from './pages/issue';
import type { ConsoleContext } from './session';

/** How often an idle stream sends a comment line, so proxies keep it open and a dead client shows. */
export const HEARTBEAT_MS = 15_000;
/** Log lines sent per read; more follow at once. */
const BATCH = 200;
/** After the issue ends, lines its last activities still append get this long to arrive. */
const END_GRACE_MS = 500;

export interface EventsDeps {
  issues: IssueService;
  feed: IssueChangeFeed;
  heartbeatMs?: number;
}

/** What the page's status line shows, as the `status` event carries it. */
export function statusEvent(view: IssueView) {
  return { status: view.status, stage: view.stage, currentStep: view.currentStep, cost: costText(view), pendingKey: pendingKeyOf(view), ended: isTerminal(view.status) };
}

/**
 * GET /console/issues/:id/events — the issue's timeline as Server-Sent Events: `log` events
 * (id = the log line's id, so a reconnecting EventSource resumes after its Last-Event-ID),
 * `status` events when the status, stage, wait or pull request change, `end` once it has ended.
 * Woken by Postgres notifications (src/issues/changes.ts), never by a timer; a comment line every
 * HEARTBEAT_MS keeps idle connections open. The caller has checked the session and that the
 * issue is the organization's (`view`).
 */
export function issueEvents(c: ConsoleContext, deps: EventsDeps, view: IssueView) {
  const organizationId = c.get('organization').id;
  const issueId = view.id;
  const resumeFrom = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? '0');
  let after = Number.isSafeInteger(resumeFrom) && resumeFrom > 0 ? resumeFrom : 0;

  const follow = async (stream: SSEStreamingApi) => {
    const due = new Set<IssueChangeSignal>(['log', 'issue']);
    let wake: (() => void) | undefined;
    let closed = false;
    const rouse = () => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };
    const close = () => {
      closed = true;
      rouse();
    };
    stream.onAbort(close);
    c.req.raw.signal.addEventListener('abort', close, { once: true });
    // Listening before the first read: nothing appended between the read and the subscription is lost.
    const unsubscribe = await deps.feed.subscribe(organizationId, issueId, (signal) => {
      due.add(signal);
      rouse();
    });
    const heartbeat = setInterval(() => {
      stream.write(': heartbeat\n\n').catch(close);
    }, deps.heartbeatMs ?? HEARTBEAT_MS);

    const sendLogs = async () => {
      for (;;) {
        const lines = await deps.issues.logsAfter(organizationId, issueId, after, BATCH);
        for (const line of lines) await stream.writeSSE({ event: 'log', id: String(line.id), data: JSON.stringify(line) });
        after = lines.at(-1)?.id ?? after;
        if (lines.length < BATCH || closed) return;
      }
    };

    try {
      while (!closed) {
        if (due.size === 0) await new Promise<void>((resolve) => (wake = resolve));
        if (closed) break;
        const signals = new Set(due);
        due.clear();
        if (signals.has('log') || signals.has('resync')) await sendLogs();
        if (signals.has('issue') || signals.has('resync')) {
          const current = await deps.issues.get(organizationId, issueId);
          if (!current) break;
          await stream.writeSSE({ event: 'status', data: JSON.stringify(statusEvent(current)) });
          if (isTerminal(current.status)) {
            await new Promise((resolve) => setTimeout(resolve, END_GRACE_MS));
            await sendLogs();
            await stream.writeSSE({ event: 'end', data: JSON.stringify({ status: current.status }) });
            break;
          }
        }
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  };

  // A client that went away mid-write, or a read that failed: the stream ends, and the
  // browser's EventSource reconnects with its Last-Event-ID.
  return streamSSE(c, follow, async () => undefined);
}
