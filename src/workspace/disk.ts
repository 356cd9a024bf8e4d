import { execFile } from 'node:child_process';
import fs from 'node:fs';

/**
 * Measuring and removing trees the agent shaped, as the worker: with coreutils, which walk
 * by directory descriptor and never follow symlinks, so depth (past PATH_MAX), modes and
 * links the agent chose change nothing.
 */

/**
 * Disk used under a directory — allocated blocks, so sparse and preallocated files count as
 * what they take — and its number of entries (inodes: empty files, directories and symlinks
 * take disk too), measured by `du`, which walks by directory descriptor: a tree deeper than
 * PATH_MAX is measured like any other. Symlinks are not followed, other filesystems not
 * entered. A tree that cannot be measured counts as infinite: the cap must not fail open.
 */
export async function directorySize(dir: string): Promise<{ bytes: number; entries: number }> {
  const du = (args: string[]) =>
    new Promise<number>((resolve) => {
      execFile('du', ['-s', '-x', ...args, '--', dir], { timeout: 120_000, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } }, (error, stdout) => {
        const value = Number(stdout.split('\t')[0]);
        resolve(error || !Number.isFinite(value) ? Number.POSITIVE_INFINITY : value);
      });
    });
  const [bytes, entries] = await Promise.all([du(['-B1']), du(['--inodes'])]);
  return { bytes, entries };
}

/**
 * Removes a tree the agent may have shaped: deeper than PATH_MAX, unreadable modes,
 * symlinks. GNU rm walks by directory descriptor and never follows a symlink; as the
 * worker's user it is not stopped by the modes the agent set.
 */
export async function removeTree(dir: string): Promise<void> {
  // Nothing there (an issue without a workspace): no process to start.
  if (!(await fs.promises.lstat(dir).then(() => true, () => false))) return;
  return new Promise((resolve, reject) => {
    execFile('rm', ['-rf', '--one-file-system', '--', dir], { timeout: 600_000, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } }, (error, _stdout, stderr) =>
      error ? reject(new Error(`could not remove ${dir}: ${stderr.trim().slice(0, 500) || error.message}`)) : resolve(),
    );
  });
}
