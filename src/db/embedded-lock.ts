import fs from 'node:fs';

/**
 * The embedded database (PGlite) is a directory one process opens. A second process — `npm
 * run admin` or `npm run org:create` while `npm run dev` runs — would open its own copy: the
 * key it prints would never reach the running API. So whoever opens the directory holds
 * `<dir>.lock` ({ pid, command }), and another process refuses with a message saying what to
 * do. A lock whose process is gone (killed) is taken over.
 */

export interface EmbeddedLockHolder {
  pid: number;
  command: string;
  since: string;
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: EmbeddedLockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is open in another process (pid ${holder.pid}: ${holder.command}, since ${holder.since}). ` +
        'Opening it here would work on a second copy that process never sees (a key made here would answer 401 there). ' +
        'Stop that process first (Ctrl-C in its terminal) and run this again, then start it again; ' +
        'or run everything against PostgreSQL (DATABASE_URL), where any number of processes share one database.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the lock of `dataDir` for this process; throws EmbeddedDatabaseBusyError if another live process has it. */
export function lockEmbeddedDatabase(dataDir: string, command: string): () => void {
  const file = `${dataDir.replace(/\/+$/, '')}.lock`;
  const mine: EmbeddedLockHolder = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      return () => {
        try {
          const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedLockHolder;
          if (holder.pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: EmbeddedLockHolder | undefined;
    try {
      holder = JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedLockHolder;
    } catch {
      holder = undefined; // being written, or garbage: treated as stale below
    }
    if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new EmbeddedDatabaseBusyError(dataDir, holder);
    fs.rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not take the lock ${file}`);
}
