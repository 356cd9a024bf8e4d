import fs from 'node:fs';
import path from 'node:path';

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
    readonly lockFile: string,
    readonly holder: EmbeddedLockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is open in another process (pid ${holder.pid}: ${holder.command}, since ${holder.since}). ` +
        'Opening it here would work on a second copy that process never sees (a key made here would answer 401 there). ' +
        'Stop that process first (Ctrl-C in its terminal) and run this again, then start it again; ' +
        'or run everything against PostgreSQL (DATABASE_URL), where any number of processes share one database. ' +
        `If no such process exists any more (its pid reused by another program), delete ${lockFile}.`,
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
  // A fresh clone has no data directory yet: the lock is the first thing in it.
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const mine: EmbeddedLockHolder = { pid: process.pid, command, since: new Date().toISOString() };
  // Written whole under a private name, then linked into place: the lock file either does not
  // exist or holds a complete holder — never an empty file another process could misread.
  const staged = `${file}.${process.pid}`;
  fs.writeFileSync(staged, JSON.stringify(mine));
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        fs.linkSync(staged, file);
        return () => {
          if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new EmbeddedDatabaseBusyError(dataDir, file, holder);
      // Stale (its process is gone, or it is ours from an earlier open): set aside under a name
      // of our own, so of two processes taking over only one moves it; the other retries.
      const aside = `${file}.stale.${process.pid}`;
      try {
        fs.renameSync(file, aside);
      } catch {
        continue; // someone else moved it first: look again
      }
      // What was moved may be a live lock another process took between our read and the move:
      // put it back and give way.
      const moved = readHolder(aside);
      if (moved && moved.pid !== process.pid && alive(moved.pid)) {
        fs.renameSync(aside, file);
        throw new EmbeddedDatabaseBusyError(dataDir, file, moved);
      }
      fs.rmSync(aside, { force: true });
    }
    throw new Error(`could not take the lock ${file}`);
  } finally {
    fs.rmSync(staged, { force: true });
  }
}

function readHolder(file: string): EmbeddedLockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedLockHolder;
  } catch {
    return undefined;
  }
}
