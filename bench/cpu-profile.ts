/**
 * Where the CPU goes during a benchmark phase: Postgres's processes (read from /proc, since
 * the bare baseline sends no statements and the orchestrator's share is easy to forget), and
 * with BENCH_PROFILE=1 a V8 CPU profile of the bench process's main thread (worker
 * activities, API, fake Claude; workflow code runs in the SDK's worker threads and is not in
 * it), summarised by the package or source directory that owns each sample.
 */
import fs from 'node:fs';
import { Session, type Profiler } from 'node:inspector';

/** CPU seconds one process has used so far (NaN without it or without /proc). */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by every process named `postgres` on this machine (NaN without /proc). */
export function postgresCpuSeconds(): number {
  let ticks = 0;
  let seen = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return NaN;
  }
  for (const pid of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      seen += 1;
    } catch {
      // the process ended while we read
    }
  }
  return seen === 0 ? NaN : ticks / 100;
}

/**
 * CPU seconds this process's threads have used so far, summed by kind: the main thread
 * (activities, the API), Temporal core's Rust runtime, the workflow threads named by
 * `nameThreadsSince`, and the rest (V8's helpers, libuv's pool). The V8 profile sees only the main thread; this shows
 * how much it leaves out. Empty without /proc.
 */
/** Threads given a kind of their own by `nameThreadsSince` (tid → kind). */
const namedThreads = new Map<string, string>();

/** This process's thread ids now; empty without /proc. */
export function threadIds(): Set<string> {
  try {
    return new Set(fs.readdirSync('/proc/self/task'));
  } catch {
    return new Set();
  }
}

/**
 * Counts the unnamed (`node`) threads started since `before` as `kind` from now on: what a
 * Worker.create in between started are its workflow threads, where its workflow code runs.
 */
export function nameThreadsSince(before: Set<string>, kind: string): number {
  let named = 0;
  for (const tid of threadIds()) {
    if (before.has(tid)) continue;
    try {
      if (fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'node') continue;
    } catch {
      continue;
    }
    namedThreads.set(tid, kind);
    named += 1;
  }
  return named;
}

export function threadCpuSeconds(): Map<string, number> {
  const byKind = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return byKind;
  }
  for (const tid of tasks) {
    try {
      const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const kind = namedThreads.get(tid) ?? threadKind(tid === String(process.pid) ? 'main' : name);
      byKind.set(kind, (byKind.get(kind) ?? 0) + schedstat(`/proc/self/task/${tid}/schedstat`).cpuMs / 1000);
    } catch {
      // the thread ended while we read
    }
  }
  return byKind;
}

/** A thread's CPU time and time runnable but waiting for a core, ms, from the scheduler's nanosecond accounting. */
function schedstat(file: string): { cpuMs: number; waitMs: number } {
  const [run, wait] = fs.readFileSync(file, 'utf8').split(' ');
  return { cpuMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6 };
}

function threadKind(name: string): string {
  if (name === 'main') return 'main thread';
  if (name === 'tokio-runtime-w') return 'Temporal core runtime';
  if (name === 'workflow-proces') return 'Temporal workflow processing';
  // Node 20 names none of its others: V8's helpers (GC, compilation), libuv's pool and the
  // SDK's workflow threads (where workflow code runs) are all `node`; the bench names the
  // workflow threads of its workers by when they started (`nameThreadsSince`).
  return name === 'node' ? 'other node threads (GC, libuv)' : name;
}

/** CPU per `per` (e.g. per issue) spent by each kind of thread between two readings, in ms. */
export function threadCpuSince(before: Map<string, number>, per: number): Array<{ kind: string; ms: number }> {
  const after = threadCpuSeconds();
  return [...after]
    .map(([kind, seconds]) => ({ kind, ms: ((seconds - (before.get(kind) ?? 0)) * 1000) / per }))
    .filter(({ ms }) => ms > 0)
    .sort((a, b) => b.ms - a.ms);
}

/**
 * The calling thread's CPU time so far, ms, and its time spent runnable but waiting for a
 * core: exact (the scheduler's nanosecond accounting in /proc/thread-self/schedstat), where
 * /proc's stat counts 10 ms ticks. NaN without it.
 */
export function threadCpuNow(): { cpuMs: number; waitMs: number } {
  try {
    return schedstat('/proc/thread-self/schedstat');
  } catch {
    return { cpuMs: NaN, waitMs: NaN };
  }
}

/**
 * Main-thread CPU by activity type, for runs one at a time: an activity interceptor reads the
 * thread's CPU when each activity (local ones included) starts and ends. An activity is charged
 * for what the thread did meanwhile, so only with little else running is this its own cost.
 */
export function activityCpuMeter() {
  const byType = new Map<string, { calls: number; cpuMs: number; waitMs: number }>();
  let measuring = false;
  return {
    interceptor: (context: { info: { activityType: string } }) => ({
      inbound: {
        async execute<T>(input: unknown, next: (input: unknown) => Promise<T>): Promise<T> {
          if (!measuring) return next(input);
          const before = threadCpuNow();
          try {
            return await next(input);
          } finally {
            const after = threadCpuNow();
            const entry = byType.get(context.info.activityType) ?? { calls: 0, cpuMs: 0, waitMs: 0 };
            entry.calls += 1;
            entry.cpuMs += after.cpuMs - before.cpuMs;
            entry.waitMs += after.waitMs - before.waitMs;
            byType.set(context.info.activityType, entry);
          }
        },
      },
    }),
    /** Starts counting afresh; the returned function stops and gives the totals. */
    start(): () => Map<string, { calls: number; cpuMs: number; waitMs: number }> {
      byType.clear();
      measuring = true;
      return () => {
        measuring = false;
        return new Map(byType);
      };
    },
  };
}

/** A span of wall-clock time (ms since the epoch) named by what ran in it, e.g. an activity. */
export interface TimeWindow {
  label: string;
  from: number;
  to: number;
}

/**
 * The main thread's busy time (ms) by the window each sample falls in: which activity was
 * running, from the run's history. Meant for runs one at a time, where the windows seldom
 * overlap (a sample in two counts for the first). Samples in no window — workflow tasks and
 * their local activities, the API, polling — are `outside`. The profile's clock is
 * CLOCK_MONOTONIC, as `process.hrtime` is: `clock` pairs the two, read when profiling began.
 */
export function busyByWindow(
  profile: Profiler.Profile,
  clock: { wallMs: number; monotonicUs: number },
  windows: TimeWindow[],
  root: string,
): Map<string, { ms: number; byOwner: Map<string, number> }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  const ownerOfNode = ownerResolver(profile, root);
  const sorted = [...windows].sort((a, b) => a.from - b.from);
  const busy = new Map<string, { ms: number; byOwner: Map<string, number> }>();
  let at = profile.startTime;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, index) => {
    at += deltas[index] ?? 0;
    const name = byId.get(id);
    if (name === '(idle)' || name === '(program)') return;
    const wall = clock.wallMs + (at - clock.monotonicUs) / 1000;
    const label = sorted.find((candidate) => candidate.from <= wall && wall <= candidate.to)?.label ?? 'outside';
    const owner = name === '(garbage collector)' ? name : ownerOfNode(id);
    if (owner === 'bench/cpu-profile.ts') return; // the profiler stopping, not the runs
    const ms = (deltas[index] ?? 0) / 1000;
    const entry = busy.get(label) ?? { ms: 0, byOwner: new Map<string, number>() };
    entry.ms += ms;
    entry.byOwner.set(owner, (entry.byOwner.get(owner) ?? 0) + ms);
    busy.set(label, entry);
  });
  return busy;
}

/** Now on both clocks, for `busyByWindow`. */
export function clockPair(): { wallMs: number; monotonicUs: number } {
  return { wallMs: Date.now(), monotonicUs: Number(process.hrtime.bigint() / 1000n) };
}

/** Starts profiling the main thread; the returned function stops and returns the profile. */
export async function startMainThreadProfile(): Promise<() => Promise<Profiler.Profile>> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return async () => {
    const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
    session.disconnect();
    return profile;
  };
}

/** Who a script URL belongs to: an npm package, or a directory of this repository. */
function ownerOf(url: string, root: string): string | undefined {
  if (!url || url.startsWith('node:')) return undefined;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const local = url.replace(/^file:\/\//, '');
  if (local.startsWith(root)) return local.slice(root.length + 1).split('/').slice(0, 2).join('/');
  return url.slice(-40);
}

/**
 * Who owns a profile node: the nearest frame up its stack that belongs to a package or a
 * source directory (so node's own HTTP parsing under the fake Claude's server counts as the
 * fake's, under postgres.js as postgres's).
 */
function ownerResolver(profile: Profiler.Profile, root: string): (id: number) => string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const owners = new Map<number, string>();
  return (id: number): string => {
    const chain: number[] = [];
    let current: number | undefined = id;
    let owner: string | undefined;
    while (current !== undefined) {
      const known = owners.get(current);
      if (known) {
        owner = known;
        break;
      }
      chain.push(current);
      const frame = byId.get(current)?.callFrame;
      owner = frame ? ownerOf(frame.url, root) : undefined;
      if (owner) break;
      current = parentOf.get(current);
    }
    // Stacks with no package frame at all (timers, sockets, microtask plumbing) share one name:
    // the chain's nodes are cached, so a leaf-specific name would leak to other samples.
    const name = owner ?? '(node internals, no package on the stack)';
    for (const node of chain) owners.set(node, name);
    return name;
  };
}

/**
 * Busy time by owner: each sample is charged to the nearest frame up its stack that belongs
 * to a package or a source directory (so node's own HTTP parsing under the fake Claude's
 * server counts as the fake's, under postgres.js as postgres's). Idle time is left out.
 */
export function summarizeProfile(profile: Profiler.Profile, root: string): Array<{ owner: string; seconds: number; share: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const ownerOfNode = ownerResolver(profile, root);
  const time = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, index) => {
    const frame = byId.get(id)?.callFrame.functionName;
    if (frame === '(idle)') return;
    const owner = frame === '(garbage collector)' ? '(garbage collector)' : ownerOfNode(id);
    time.set(owner, (time.get(owner) ?? 0) + (deltas[index] ?? 0));
  });
  const busy = [...time.values()].reduce((sum, us) => sum + us, 0);
  return [...time]
    .map(([owner, us]) => ({ owner, seconds: us / 1e6, share: us / Math.max(1, busy) }))
    .sort((a, b) => b.seconds - a.seconds);
}
