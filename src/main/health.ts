/**
 * `/health` answers from checks run in the background, so it answers at once even while a
 * dependency hangs: each check gets `timeoutMs` (a check that does not finish in time has
 * failed), results are refreshed every `intervalMs`, and a reading older than two intervals
 * (the refresher itself stuck) is refreshed before answering — still within `timeoutMs`.
 */
export interface CachedHealth {
  read(): Promise<Record<string, boolean>>;
  /** Stops refreshing; resolves when a refresh in flight has ended (close clients after it). */
  stop(): Promise<void>;
}

export function cachedHealthChecks(
  checks: Record<string, () => Promise<unknown>>,
  options: { intervalMs?: number; timeoutMs?: number; now?: () => number } = {},
): CachedHealth {
  const intervalMs = options.intervalMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const now = options.now ?? Date.now;
  let last: { at: number; results: Record<string, boolean> } | undefined;
  let running: Promise<Record<string, boolean>> | undefined;

  const passes = (check: () => Promise<unknown>) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      check().then(
        () => (clearTimeout(timer), resolve(true)),
        () => (clearTimeout(timer), resolve(false)),
      );
    });
  const refresh = () =>
    (running ??= Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await passes(check)] as const)).then((pairs) => {
      last = { at: now(), results: Object.fromEntries(pairs) };
      running = undefined;
      return last.results;
    }));

  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return {
    async read() {
      if (last && now() - last.at < intervalMs * 2) return last.results;
      return refresh();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
