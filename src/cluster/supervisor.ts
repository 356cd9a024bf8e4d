import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The processes of a local topology: each started with its output in `<logDir>/<name>.log`,
 * watched (an unexpected exit is reported with the end of its log), stopped together in
 * reverse order of start (SIGTERM, then SIGKILL after a grace period). Processes can also be
 * killed and restarted one by one, which is what a chaos run does to them.
 */
export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly running: boolean;
}

export interface ProcessSpec {
  name: string;
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class Supervisor {
  private readonly children = new Map<string, { spec: ProcessSpec; child: ChildProcess; expectedExit: boolean }>();
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly onUnexpectedExit: (name: string, code: number | null, logTail: string) => void,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  start(spec: ProcessSpec): SupervisedProcess {
    const log = fs.openSync(this.logFile(spec.name), 'a');
    const child = spawn(spec.argv[0] as string, spec.argv.slice(1), { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const entry = { spec, child, expectedExit: false };
    this.children.set(spec.name, entry);
    child.once('exit', (code) => {
      if (this.stopping || entry.expectedExit) return;
      this.onUnexpectedExit(spec.name, code, this.tail(spec.name));
    });
    return this.view(spec.name);
  }

  /** How `name` was started (to start it again after a kill). */
  specOf(name: string): ProcessSpec | undefined {
    return this.children.get(name)?.spec;
  }

  view(name: string): SupervisedProcess {
    const entry = this.children.get(name);
    return { name, pid: entry?.child.pid, running: entry ? entry.child.exitCode === null && entry.child.signalCode === null : false };
  }

  /** SIGKILL, as a crash: no cleanup runs in the process. */
  async kill(name: string): Promise<void> {
    const entry = this.children.get(name);
    if (!entry || entry.child.exitCode !== null || entry.child.signalCode !== null) return;
    entry.expectedExit = true;
    const exited = new Promise((resolve) => entry.child.once('exit', resolve));
    entry.child.kill('SIGKILL');
    await exited;
  }

  async restart(name: string): Promise<SupervisedProcess> {
    const entry = this.children.get(name);
    if (!entry) throw new Error(`no process named ${name}`);
    await this.kill(name);
    return this.start(entry.spec);
  }

  /** A graceful stop (a deploy retiring a process): SIGTERM, then SIGKILL after `graceMs`. */
  async stop(name: string, graceMs = 10_000): Promise<void> {
    const entry = this.children.get(name);
    if (!entry) return;
    entry.expectedExit = true;
    await terminate(entry.child, graceMs);
  }

  /** Stops everything, newest first: SIGTERM, then SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const { child } of [...this.children.values()].reverse()) await terminate(child, graceMs);
  }

  private tail(name: string): string {
    try {
      return fs.readFileSync(this.logFile(name), 'utf8').slice(-2_000);
    } catch {
      return '';
    }
  }
}

async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
