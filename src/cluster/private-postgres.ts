import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A PostgreSQL server of the chaos suite's own (initdb in a directory, its own port), so the
 * suite can stop and start it — as a database outage — without touching the machine's server.
 * Uses the machine's PostgreSQL binaries; as root it runs them as the `postgres` user (initdb
 * and postgres refuse root).
 */
export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  /** An immediate stop, as a crash: connections drop, nothing is flushed politely. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((version) => path.join(root, version, 'bin')).find((candidate) => fs.existsSync(path.join(candidate, 'initdb')));
  if (!dir) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql; install postgresql');
  return dir;
}

export async function startPrivatePostgres(dataDir: string, port: number): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]] : [path.join(bin, command), args];
      execFile(file, argv as string[], { timeout: 120_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`${command} failed: ${stderr || error.message}`)) : resolve()));
    });
  fs.mkdirSync(dataDir, { recursive: true });
  if (asRoot) {
    const { uid, gid } = account('postgres');
    fs.chownSync(dataDir, uid, gid);
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await run('initdb', ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--no-sync']);
  const logFile = path.join(dataDir, 'server.log');
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dataDir} -c max_connections=200`;
  const start = () => run('pg_ctl', ['-D', dataDir, '-o', options, '-l', logFile, '-w', 'start']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    port,
    stop: () => run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']),
    start,
  };
}

/** A local user's uid and gid, from /etc/passwd. */
function account(name: string): { uid: number; gid: number } {
  const fields = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith(`${name}:`))?.split(':');
  if (!fields) throw new Error(`no local user ${name} (the PostgreSQL server package creates it)`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}
