import type { DatabaseHandle } from '../db/client';

/** The NOTIFY channel migration 0015's triggers send `{ organizationId, issueId, kind }` on. */
export const ISSUE_CHANGED_CHANNEL = 'issue_changed';

/** What changed: a log line was appended, or the issue's status, stage, wait or pull request. */
export type IssueChangeKind = 'log' | 'issue';
/** `resync`: the listening connection was re-established; changes may have been missed. */
export type IssueChangeSignal = IssueChangeKind | 'resync';

export interface IssueChangeFeed {
  /**
   * Calls `onChange` for every change of the issue until the returned function is called.
   * Resolves once the process listens (the caller reads the issue after that, so nothing
   * between its read and the first notification is lost); rejects when it cannot listen.
   */
  subscribe(organizationId: string, issueId: string, onChange: (signal: IssueChangeSignal) => void): Promise<() => void>;
  /** Subscriptions open now (tests check that a closed stream let go of its own). */
  readonly subscriptions: number;
  close(): Promise<void>;
}

/**
 * One LISTEN per process, fanned out to the subscribers of each issue: the console's live
 * timeline (src/console/events.ts) is fed by Postgres, not by a polling loop. The connection
 * is opened by the first subscriber (processes that never serve a timeline never listen).
 */
export function createIssueChangeFeed(listen: DatabaseHandle['listen']): IssueChangeFeed {
  const subscribers = new Map<string, Set<(signal: IssueChangeSignal) => void>>();
  let listening: Promise<() => Promise<void>> | undefined;
  let connections = 0;
  let closed = false;
  const keyOf = (organizationId: string, issueId: string) => `${organizationId}\n${issueId}`;

  const deliver = (payload: string) => {
    let change: { organizationId?: unknown; issueId?: unknown; kind?: unknown };
    try {
      change = JSON.parse(payload) as typeof change;
    } catch {
      return;
    }
    if (typeof change.organizationId !== 'string' || typeof change.issueId !== 'string') return;
    const signal: IssueChangeKind = change.kind === 'log' ? 'log' : 'issue';
    for (const handler of subscribers.get(keyOf(change.organizationId, change.issueId)) ?? []) handler(signal);
  };
  const reconnected = () => {
    // The first connection is the start; each later one follows a drop that may have lost notifications.
    if (connections++ === 0) return;
    for (const handlers of subscribers.values()) for (const handler of handlers) handler('resync');
  };

  return {
    async subscribe(organizationId, issueId, onChange) {
      if (closed) throw new Error('the issue change feed is closed');
      listening ??= listen(ISSUE_CHANGED_CHANNEL, deliver, reconnected).catch((error: unknown) => {
        listening = undefined; // the next subscriber tries again
        throw error;
      });
      await listening;
      const key = keyOf(organizationId, issueId);
      const handlers = subscribers.get(key) ?? new Set();
      subscribers.set(key, handlers);
      // A handler of its own per subscription: the same function subscribed twice is two subscriptions.
      const handler = (signal: IssueChangeSignal) => onChange(signal);
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0 && subscribers.get(key) === handlers) subscribers.delete(key);
      };
    },
    get subscriptions() {
      let count = 0;
      for (const handlers of subscribers.values()) count += handlers.size;
      return count;
    },
    async close() {
      closed = true;
      subscribers.clear();
      const stop = await listening?.catch(() => undefined);
      await stop?.();
    },
  };
}
