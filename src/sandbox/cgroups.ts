import fs from 'node:fs/promises';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Per-command control groups: the limits that rlimits cannot give — memory of all the
 * command's processes together, and a process count that also binds root — and a way to
 * kill every process of a command, whatever it forked.
 *
 * cgroup v2 (a unified hierarchy the worker may write, e.g. as root in its own cgroup
 * namespace) or v1 (separate `pids` and `memory` hierarchies, as on these machines). Where
 * neither is writable, `detectCgroups` answers null and the sandbox enforces rlimits only.
 */

export interface CommandCgroup {
  /** `cgroup.procs` files the launcher writes its own pid into before it execs bubblewrap. */
  procsFiles: string[];
  /** What the kernel counted while the command ran. */
  events(): Promise<{ oomKills: number; forksRefused: number }>;
  /** Kills anything still in the group and removes it. */
  destroy(): Promise<void>;
}

export interface CgroupSupport {
  version: 'v1' | 'v2';
  /** Where the per-command groups are made, for the start banner. */
  parents: string[];
  create(id: string, limits: { memoryBytes: number; processes: number }): Promise<CommandCgroup>;
  /**
   * Kills every process in the groups whose id starts with `prefix`, made by any worker
   * process on this machine, and resolves once they are gone. Returns how many it killed.
   */
  killGroups(prefix: string): Promise<number>;
}

/** Kills the processes of the matching groups under `shared/worker-*`, then waits for them to be gone. */
async function killMatching(shared: string, prefix: string, cgroupKill: boolean): Promise<number> {
  const groups = readdirSafe(shared).flatMap((worker) =>
    readdirSafe(path.join(shared, worker))
      .filter((name) => name.startsWith(prefix))
      .map((name) => path.join(shared, worker, name)),
  );
  let killed = 0;
  for (let attempt = 0; attempt < 200; attempt++) {
    let alive = 0;
    for (const group of groups) {
      if (cgroupKill) await fs.writeFile(path.join(group, 'cgroup.kill'), '1').catch(() => undefined);
      const pids = (await fs.readFile(path.join(group, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
      alive += pids.length;
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
          if (attempt === 0) killed += 1;
        } catch {
          // already gone
        }
      }
    }
    if (alive === 0) return killed;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`processes of ${prefix} did not die within 2 s`);
}

const ROOT = '/sys/fs/cgroup';
const GROUP = 'agent-sandbox';
/** Each worker process has its own parent group, so a restarted worker can remove a dead one's leftovers. */
const WORKER_GROUP = `worker-${process.pid}`;

/**
 * Removes the groups of worker processes that are gone (killed mid-command, say): by then
 * their sandboxes died with them (--die-with-parent), so the groups are empty.
 */
function removeDeadWorkersGroups(shared: string): void {
  for (const name of readdirSafe(shared)) {
    const pid = /^worker-(\d+)$/.exec(name)?.[1];
    if (!pid || isAlive(Number(pid))) continue;
    const dir = path.join(shared, name);
    for (const child of readdirSafe(dir)) rmdirSafe(path.join(dir, child));
    rmdirSafe(dir);
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

function rmdirSafe(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (still in use) or already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Our own cgroup path per hierarchy, from /proc/self/cgroup (`id:controllers:path`). */
function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, at] = line.split(':');
    if (controllers === undefined || at === undefined) continue;
    for (const controller of controllers === '' ? [''] : controllers.split(',')) own.set(controller, at);
  }
  return own;
}

/** Reads `key value` lines (pids.events, memory.events, memory.oom_control). */
async function counter(file: string, key: string): Promise<number> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith(`${key} `));
  return line ? Number(line.split(' ')[1]) || 0 : 0;
}

async function killAndRemove(dirs: string[], cgroupKill: boolean): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    let remaining = 0;
    for (const dir of dirs) {
      if (!existsSync(dir)) continue;
      if (cgroupKill) await fs.writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
      const pids = (await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      try {
        await fs.rmdir(dir);
      } catch {
        remaining += 1;
      }
    }
    if (remaining === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function tryWrite(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}

function detectV2(): CgroupSupport | null {
  if (!existsSync(path.join(ROOT, 'cgroup.controllers'))) return null;
  const own = ownCgroups().get('') ?? '/';
  // Beside our own group, not inside it: v2 forbids processes in a group whose children have controllers.
  const base = path.join(ROOT, path.dirname(own));
  const shared = path.join(base, GROUP);
  const parent = path.join(shared, WORKER_GROUP);
  try {
    const available = readFileSync(path.join(base, 'cgroup.controllers'), 'utf8');
    if (!available.includes('pids') || !available.includes('memory')) return null;
    if (!readFileSync(path.join(base, 'cgroup.subtree_control'), 'utf8').includes('memory')) {
      if (!tryWrite(path.join(base, 'cgroup.subtree_control'), '+pids +memory')) return null;
    }
    mkdirSync(shared, { recursive: true });
    if (!tryWrite(path.join(shared, 'cgroup.subtree_control'), '+pids +memory')) return null;
    removeDeadWorkersGroups(shared);
    mkdirSync(parent, { recursive: true });
    if (!tryWrite(path.join(parent, 'cgroup.subtree_control'), '+pids +memory')) return null;
  } catch {
    return null;
  }
  return {
    version: 'v2',
    parents: [parent],
    async create(id, limits) {
      const dir = path.join(parent, id);
      await fs.mkdir(dir);
      await fs.writeFile(path.join(dir, 'pids.max'), String(limits.processes));
      await fs.writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
      await fs.writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      return {
        procsFiles: [path.join(dir, 'cgroup.procs')],
        events: async () => ({
          oomKills: await counter(path.join(dir, 'memory.events'), 'oom_kill'),
          forksRefused: await counter(path.join(dir, 'pids.events'), 'max'),
        }),
        destroy: () => killAndRemove([dir], true),
      };
    },
    killGroups: (prefix) => killMatching(shared, prefix, true),
  };
}

function detectV1(): CgroupSupport | null {
  const own = ownCgroups();
  const pidsRoot = path.join(ROOT, 'pids');
  const memoryRoot = path.join(ROOT, 'memory');
  if (!existsSync(path.join(pidsRoot, 'pids.max')) && !existsSync(path.join(pidsRoot, 'cgroup.procs'))) return null;
  if (!existsSync(path.join(memoryRoot, 'memory.limit_in_bytes'))) return null;
  const pidsShared = path.join(pidsRoot, own.get('pids') ?? '/', GROUP);
  const memoryShared = path.join(memoryRoot, own.get('memory') ?? '/', GROUP);
  const pidsParent = path.join(pidsShared, WORKER_GROUP);
  const memoryParent = path.join(memoryShared, WORKER_GROUP);
  try {
    removeDeadWorkersGroups(pidsShared);
    removeDeadWorkersGroups(memoryShared);
    mkdirSync(pidsParent, { recursive: true });
    mkdirSync(memoryParent, { recursive: true });
  } catch {
    return null;
  }
  return {
    version: 'v1',
    parents: [pidsParent, memoryParent],
    async create(id, limits) {
      const pids = path.join(pidsParent, id);
      const memory = path.join(memoryParent, id);
      await fs.mkdir(pids);
      await fs.mkdir(memory);
      await fs.writeFile(path.join(pids, 'pids.max'), String(limits.processes));
      await fs.writeFile(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // memory+swap too, where the kernel accounts swap: a hog must not escape into it.
      await fs.writeFile(path.join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
      return {
        procsFiles: [path.join(pids, 'cgroup.procs'), path.join(memory, 'cgroup.procs')],
        events: async () => ({
          oomKills: await counter(path.join(memory, 'memory.oom_control'), 'oom_kill'),
          forksRefused: await counter(path.join(pids, 'pids.events'), 'max'),
        }),
        destroy: () => killAndRemove([pids, memory], false),
      };
    },
    killGroups: (prefix) => killMatching(pidsShared, prefix, false),
  };
}

/** The cgroup support this process has, or null (not root, or no writable hierarchy). */
export function detectCgroups(): CgroupSupport | null {
  if (process.platform !== 'linux') return null;
  try {
    return detectV2() ?? detectV1();
  } catch {
    return null;
  }
}
