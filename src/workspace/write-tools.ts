import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LIMITS, resolveInside, ToolInputError } from './read-tools';

/**
 * Tools that change a workspace: write a file, edit one by exact replacement, search with
 * git grep. Paths are confined like the read tools; `.git` is never writable.
 */

const MAX_WRITE_BYTES = 1_000_000;

/** Resolves a path that may not exist yet: its nearest existing ancestor must be inside the root. */
export async function resolveForWrite(root: string, relative: string): Promise<string> {
  if (typeof relative !== 'string' || relative.trim() === '' || relative.includes('\0')) throw new ToolInputError('path must be a non-empty string');
  if (path.isAbsolute(relative)) throw new ToolInputError(`absolute paths are not allowed: ${relative}`);
  const normalized = path.normalize(relative);
  if (normalized === '..' || normalized.startsWith(`..${path.sep}`)) throw new ToolInputError(`path leaves the repository: ${relative}`);
  if (normalized.split(path.sep).includes('.git')) throw new ToolInputError(`.git is not writable: ${relative}`);
  const realRoot = await fs.realpath(root);
  let probe = path.join(realRoot, normalized);
  // Existing targets (and symlinks) must resolve inside; new ones are checked at the nearest ancestor.
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new ToolInputError(`path leaves the repository through a symlink: ${relative}`);
      }
      break;
    } catch (error) {
      if (error instanceof ToolInputError) throw error;
      const parent = path.dirname(probe);
      if (parent === probe) throw new ToolInputError(`cannot resolve ${relative}`);
      probe = parent;
    }
  }
  return path.join(realRoot, normalized);
}

export async function writeFile(root: string, input: { path: string; content: string }): Promise<string> {
  if (typeof input.content !== 'string') throw new ToolInputError('content must be a string');
  if (Buffer.byteLength(input.content) > MAX_WRITE_BYTES) throw new ToolInputError(`content over ${MAX_WRITE_BYTES} bytes`);
  const target = await resolveForWrite(root, input.path);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, input.content);
  return `wrote ${input.path} (${Buffer.byteLength(input.content)} bytes)`;
}

export async function editFile(root: string, input: { path: string; oldText: string; newText: string }): Promise<string> {
  const target = await resolveInside(root, input.path);
  if (!input.oldText) throw new ToolInputError('oldText must not be empty');
  const text = await fs.readFile(target, 'utf8');
  const matches = text.split(input.oldText).length - 1;
  if (matches === 0) throw new ToolInputError(`oldText not found in ${input.path}; read the file and copy the text exactly`);
  if (matches > 1) throw new ToolInputError(`oldText occurs ${matches} times in ${input.path}; include more context so it matches once`);
  await fs.writeFile(target, text.replace(input.oldText, () => input.newText));
  return `edited ${input.path}`;
}

/** `git grep` over tracked and untracked files (respecting .gitignore). */
export async function gitGrep(root: string, input: { pattern: string; path?: string }): Promise<string> {
  if (!input.pattern) throw new ToolInputError('pattern must not be empty');
  const scope = input.path ? path.relative(await fs.realpath(root), await resolveInside(root, input.path)) || '.' : '.';
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['grep', '--untracked', '-n', '-I', '-E', '-e', input.pattern, '--', scope],
      { cwd: root, maxBuffer: 8 * 1024 * 1024, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } },
      (error, stdout, stderr) => {
        if (error && (error as { code?: number }).code === 1) return resolve(`no matches for /${input.pattern}/`);
        if (error) return reject(new ToolInputError(`search failed: ${stderr.trim() || error.message}`));
        const lines = stdout.split('\n').filter(Boolean);
        const shown = lines.slice(0, LIMITS.searchResults).map((line) => line.slice(0, LIMITS.lineChars));
        resolve(shown.join('\n') + (lines.length > shown.length ? `\n… (first ${shown.length} of ${lines.length} matches)` : ''));
      },
    );
  });
}
