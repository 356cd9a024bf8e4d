import { spawnSync } from 'node:child_process';
import { measured } from './measured';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type CgroupSupport, type CommandCgroup, detectCgroups } from './cgroups';
import { type EgressProxy, startEgressProxy } from './egress-proxy';
import { findBash, launcherArgv } from './launcher';
import { spawnAndWait } from './process';
import {
  type CommandSandbox,
  limitMessage,
  minimalEnv,
  SANDBOX_HOME,
  type SandboxCommand,
  type SandboxOutcome,
  type SandboxResult,
  WORKSPACE_MOUNT,
} from './sandbox';

/**
 * The bubblewrap sandbox: one fresh sandbox per command, gone when the command ends.
 *
 * - identity: never the host's root. A root worker drops to an unprivileged user
 *   (SANDBOX_UID, default 65534) before bubblewrap starts, so the command is that user on
 *   the host too: it cannot write /proc/sys (a root-in-namespace can still set
 *   kernel.core_pattern and run code as host root), leave setuid-root files behind, or
 *   touch anything root owns. Workspaces are owned by that user (see `fileOwner`).
 * - mounts: the workspace at /workspace (the only writable path), /usr and the usual
 *   top-level links read-only, a handful of /etc files, a private size-capped /tmp and an
 *   empty HOME. No other workspace, no DATA_DIR, no home directory, no /sys, no host /proc.
 * - namespaces: user (every capability dropped, no nested user namespaces), PID (the host's
 *   processes are invisible; when the command ends the namespace's init dies and the kernel
 *   kills every process left in it), network (loopback only), IPC, UTS, cgroup.
 * - resources: per-command cgroup (memory, processes; see cgroups.ts) where the machine
 *   allows it, rlimits always (CPU time, file size, open files, and processes per user
 *   where the worker is not root), wall time, output.
 * - egress: none, unless the organization lists hosts; then a filtering proxy in the worker
 *   is reached through a UNIX socket mounted into the sandbox (egress-proxy.ts).
 */

export interface BubblewrapOptions {
  bwrapPath?: string;
  /** Who commands run as when the worker is root (default 65534:65534); ignored otherwise. */
  user?: { uid: number; gid: number };
  /** Let the egress proxy connect to private and loopback addresses (tests only). */
  egressAllowPrivateAddresses?: boolean;
  /** Override cgroup detection (tests; null forces rlimits only). */
  cgroups?: CgroupSupport | null;
}

/** Files of /etc a build needs: users, name service, TLS roots, the dynamic linker, Debian alternatives. */
const ETC_FILES = [
  'passwd',
  'group',
  'hosts',
  'nsswitch.conf',
  'resolv.conf',
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'alternatives',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'timezone',
  'mime.types',
  'protocols',
  'services',
  'os-release',
  'debian_version',
];
const TOP_LEVEL = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

const EGRESS_DIR = '/run/egress';
const EGRESS_PORT = 3128;
const BRIDGE_SOURCE = path.join(__dirname, 'egress-bridge.cjs');

/** A short stable name for a workspace directory, for cgroup names. */
function workspaceKey(hostPath: string): string {
  return createHash('sha256').update(path.resolve(hostPath)).digest('hex').slice(0, 16);
}

/** Where bwrap is, or undefined. */
export function findBubblewrap(explicit?: string): string | undefined {
  const candidates = explicit ? [explicit] : ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'];
  return candidates.find((candidate) => existsSync(candidate));
}

export const DEFAULT_SANDBOX_USER = { uid: 65534, gid: 65534 };

/**
 * The user commands run as: the worker's own when it is not root (bubblewrap then uses an
 * unprivileged user namespace), else the configured unprivileged user.
 */
export function sandboxUser(requested: { uid: number; gid: number } = DEFAULT_SANDBOX_USER): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (requested.uid === 0 || requested.gid === 0) throw new Error('the sandbox user must not be root (SANDBOX_UID / SANDBOX_GID)');
  return requested;
}

/** `setpriv` to the sandbox user, or nothing when the worker is not root. */
function dropPrivileges(user: { uid: number; gid: number } | undefined): string[] {
  return user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'] : [];
}

/** Bubblewrap is present and can make the namespaces we ask for on this kernel, as the sandbox user. */
export function checkBubblewrap(bwrapPath: string, user = sandboxUser()): { ok: true } | { ok: false; reason: string } {
  const argv = [...dropPrivileges(user), bwrapPath, ...baseArguments(), '--', '/bin/true'];
  const probe = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 10_000, cwd: '/' });
  if (probe.status === 0) return { ok: true };
  return { ok: false, reason: (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim() };
}

export const BUBBLEWRAP_MISSING =
  'bubblewrap (bwrap) is not installed; every command the agents cause to run must run in it. ' +
  'Install it with `apt-get update && apt-get install -y bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`, ' +
  'or set SANDBOX=off on a development machine (commands then run unconfined).';

function baseArguments(): string[] {
  const args = [
    '--unshare-user',
    '--unshare-ipc',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    '--hostname',
    'sandbox',
    '--ro-bind',
    '/usr',
    '/usr',
  ];
  for (const name of TOP_LEVEL) {
    const host = `/${name}`;
    const stat = lstatSync(host, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(host), host);
    else args.push('--ro-bind', host, host);
  }
  for (const name of ETC_FILES) args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
  args.push('--proc', '/proc', '--dev', '/dev');
  return args;
}

export function createBubblewrapSandbox(options: BubblewrapOptions = {}): CommandSandbox {
  const bwrap = findBubblewrap(options.bwrapPath);
  if (!bwrap) throw new Error(BUBBLEWRAP_MISSING);
  const cgroups = options.cgroups === undefined ? detectCgroups() : options.cgroups;
  const user = sandboxUser(options.user);
  const bash = findBash();
  const base = baseArguments();

  return measured({
    kind: 'bubblewrap',
    fileOwner: user,
    describe() {
      return {
        kind: 'bubblewrap',
        user: user ? `uid ${user.uid}, gid ${user.gid}` : `the worker's (uid ${process.getuid?.()})`,
        resourceControl: cgroups
          ? `cgroup ${cgroups.version} (memory, processes) + rlimits (CPU, file size)`
          : 'rlimits only (CPU, file size, processes per user): no writable cgroup hierarchy, so memory is not capped',
      };
    },
    run: (command) => runInBubblewrap(command),
    stopWorkspace: async (hostPath) => (cgroups ? cgroups.killGroups(`${workspaceKey(hostPath)}-`) : 0),
  });

  async function runInBubblewrap(command: SandboxCommand): Promise<SandboxResult> {
    const { limits } = command;
    const started = Date.now();
    // Named after the workspace, so stopWorkspace finds the commands of any worker process.
    const id = `${workspaceKey(command.workspace.hostPath)}-${randomUUID()}`;
    let cgroup: CommandCgroup | undefined;
    let proxy: EgressProxy | undefined;
    let egressDir: string | undefined;
    try {
      cgroup = cgroups ? await cgroups.create(id, limits) : undefined;
      const env = minimalEnv(SANDBOX_HOME, command.env);
      let argv = command.argv;
      const extra: string[] = [];
      if (command.egress && command.egress.allowedHosts.length > 0) {
        // The socket and a copy of the bridge in a directory only the sandbox user (and root)
        // can enter, mounted read-only: connecting to a socket needs no write access to its mount.
        egressDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sandbox-egress-'));
        await fs.copyFile(BRIDGE_SOURCE, path.join(egressDir, 'bridge.cjs'));
        proxy = await startEgressProxy({
          socketPath: path.join(egressDir, 'proxy.sock'),
          allowedHosts: command.egress.allowedHosts,
          allowPrivateAddresses: options.egressAllowPrivateAddresses ?? false,
          onDecision: command.egress.onDecision,
        });
        if (user) {
          await fs.chmod(path.join(egressDir, 'proxy.sock'), 0o600);
          for (const name of ['', 'proxy.sock', 'bridge.cjs']) await fs.lchown(path.join(egressDir, name), user.uid, user.gid);
        }
        extra.push('--ro-bind', egressDir, EGRESS_DIR);
        const proxyUrl = `http://127.0.0.1:${EGRESS_PORT}`;
        for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) env[name] = proxyUrl;
        env['NO_PROXY'] = '';
        env['no_proxy'] = '';
        argv = [process.execPath.startsWith('/usr/') ? process.execPath : '/usr/bin/node', `${EGRESS_DIR}/bridge.cjs`, `${EGRESS_DIR}/proxy.sock`, String(EGRESS_PORT), '--', ...argv];
      }
      const bwrapArgs = [
        ...base,
        // /dev is bubblewrap's own tmpfs: read-only, with a size-capped /dev/shm in it.
        '--size',
        String(limits.tmpBytes),
        '--tmpfs',
        '/dev/shm',
        '--remount-ro',
        '/dev',
        '--size',
        String(limits.tmpBytes),
        '--tmpfs',
        '/tmp',
        '--size',
        String(limits.tmpBytes),
        '--tmpfs',
        '/home',
        '--dir',
        SANDBOX_HOME,
        '--size',
        String(1024 ** 2),
        '--tmpfs',
        '/run',
        ...extra,
        command.workspace.writable ? '--bind' : '--ro-bind',
        path.resolve(command.workspace.hostPath), // bwrap runs from /: a relative path must not change meaning
        WORKSPACE_MOUNT,
        // The sandbox's own root (a tmpfs of bubblewrap's) read-only: only the mounts above take writes.
        '--remount-ro',
        '/',
        '--chdir',
        WORKSPACE_MOUNT,
        '--clearenv',
        ...Object.entries(env).flatMap(([key, value]) => ['--setenv', key, value]),
        '--',
        ...argv,
      ];
      const rlimits = [
        `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
        `--fsize=${limits.fileSizeBytes}`,
        '--nofile=4096',
        '--core=0',
        // Per user, so shared by concurrent commands: only where no cgroup counts per command.
        ...(cgroup ? [] : [`--nproc=${limits.processes}`]),
      ];
      // The launcher closes inherited descriptors and joins the command's cgroups (as root),
      // drops to the sandbox user, then execs prlimit, which execs bwrap: everything the
      // command forks starts inside the limits.
      const launcher = launcherArgv(bash, cgroup?.procsFiles ?? [], [...dropPrivileges(user), 'prlimit', ...rlimits, '--', bwrap as string, ...bwrapArgs]);
      const result = await spawnAndWait(command, launcher);
      const outcome = outcomeOf(result, cgroup ? await cgroup.events() : { oomKills: 0, forksRefused: 0 });
      return { ...result, argv: command.argv, outcome, limitMessage: limitMessage(outcome, limits), durationMs: Date.now() - started };
    } finally {
      await cgroup?.destroy();
      await proxy?.close();
      if (egressDir) await fs.rm(egressDir, { recursive: true, force: true });
    }
  }
}

/**
 * Why a command ended, from how its launcher ended and what the kernel counted: the OOM
 * killer, refused forks, the rlimit signals (bwrap exits 128 + signal), bwrap's own errors.
 */
function outcomeOf(result: { outcome: SandboxOutcome; exitCode: number | null; signal: string | null; stderr: string }, events: { oomKills: number; forksRefused: number }): SandboxOutcome {
  if (result.outcome !== 'exited') return result.outcome;
  if (events.oomKills > 0) return 'memory_limit';
  if (result.exitCode === 128 + 24 || result.signal === 'SIGXCPU') return 'cpu_limit';
  if (result.exitCode === 128 + 25 || result.signal === 'SIGXFSZ') return 'file_size_limit';
  if (events.forksRefused > 0 && result.exitCode !== 0) return 'process_limit';
  if ((result.exitCode === 125 && result.stderr.includes('sandbox: ')) || (result.exitCode === 1 && result.stderr.startsWith('bwrap: '))) return 'spawn_failed';
  return 'exited';
}
