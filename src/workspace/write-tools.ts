import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CommandSandbox, SandboxLimits } from '../sandbox/sandbox';
import { LIMITS, MAX_TOOL_FILE_BYTES, openRegularFile, resolveInside, ToolInputError } from './read-tools';
import { gitGrepInSandbox } from './sandboxed-git';

/**
 * Tools that change a workspace: write a file, edit one by exact replacement, search with
 * git grep. Paths are confined like the read tools; `.git` is never writable.
 */

const MAX_WRITE_BYTES = 1_000_000;

/** Refuses a resolved path inside `.git`: repository metadata is never the agent's to write. */
function refuseGitMetadata(realRoot: string, realTarget: string, shown: string): void {
  if (path.relative(realRoot, realTarget).split(path.sep).includes('.git')) {
    throw new ToolInputError(`.git is not writable: ${shown}`);
  }
}

/**
 * Resolves a path that may not exist yet. Every existing part must resolve inside the root
 * (symlinked directories included), the final name must not be a symlink (a dangling one
 * would be followed out of the workspace), and nothing may land in `.git`.
 */
export async function resolveForWrite(root: string, relative: string): Promise<string> {
  if (typeof relative !== 'string' || relative.trim() === '' || relative.includes('\0')) throw new ToolInputError('path must be a non-empty string');
  if (path.isAbsolute(relative)) throw new ToolInputError(`absolute paths are not allowed: ${relative}`);
  const normalized = path.normalize(relative);
  if (normalized === '..' || normalized.startsWith(`..${path.sep}`)) throw new ToolInputError(`path leaves the repository: ${relative}`);
  const realRoot = await fs.realpath(root);
  const target = path.join(realRoot, normalized);
  // The parent directory, resolved through any symlinks, must be inside the root.
  let ancestor = path.dirname(target);
  const missing: string[] = [];
  for (;;) {
    try {
      ancestor = await fs.realpath(ancestor);
      break;
    } catch {
      missing.unshift(path.basename(ancestor));
      const up = path.dirname(ancestor);
      if (up === ancestor) throw new ToolInputError(`cannot resolve ${relative}`);
      ancestor = up;
    }
  }
  if (ancestor !== realRoot && !ancestor.startsWith(realRoot + path.sep)) {
    throw new ToolInputError(`path leaves the repository through a symlink: ${relative}`);
  }
  const resolved = path.join(ancestor, ...missing, path.basename(target));
  refuseGitMetadata(realRoot, resolved, relative);
  const existing = await fs.lstat(resolved).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw new ToolInputError(`symlinks are not writable: ${relative}`);
  return resolved;
}

/** Who new files and directories must belong to: the sandbox's user, so its commands can change them. */
export type FileOwner = { uid: number; gid: number } | undefined;

export async function writeFile(root: string, input: { path: string; content: string }, owner?: FileOwner): Promise<string> {
  if (typeof input.content !== 'string') throw new ToolInputError('content must be a string');
  if (Buffer.byteLength(input.content) > MAX_WRITE_BYTES) throw new ToolInputError(`content over ${MAX_WRITE_BYTES} bytes`);
  const target = await resolveForWrite(root, input.path);
  const firstCreated = await fs.mkdir(path.dirname(target), { recursive: true });
  if (owner && firstCreated) {
    // Every directory mkdir made, from the first one down to the file's.
    for (let dir = path.dirname(target); dir.length >= firstCreated.length; dir = path.dirname(dir)) await fs.lchown(dir, owner.uid, owner.gid);
  }
  // O_NOFOLLOW: a symlink that appeared since the check is refused; a FIFO is refused, not waited on.
  const handle = await openRegularFile(target, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, input.path);
  try {
    await handle.writeFile(input.content);
    if (owner) await handle.chown(owner.uid, owner.gid);
  } finally {
    await handle.close();
  }
  return `wrote ${input.path} (${Buffer.byteLength(input.content)} bytes)`;
}

export async function editFile(root: string, input: { path: string; oldText: string; newText: string }): Promise<string> {
  const target = await resolveInside(root, input.path);
  refuseGitMetadata(await fs.realpath(root), target, input.path);
  if (!input.oldText) throw new ToolInputError('oldText must not be empty');
  const handle = await openRegularFile(target, fsConstants.O_RDWR, input.path);
  try {
    const text = (await handle.readFile()).toString('utf8');
    const matches = text.split(input.oldText).length - 1;
    if (matches === 0) throw new ToolInputError(`oldText not found in ${input.path}; read the file and copy the text exactly`);
    if (matches > 1) throw new ToolInputError(`oldText occurs ${matches} times in ${input.path}; include more context so it matches once`);
    const edited = Buffer.from(text.replace(input.oldText, () => input.newText));
    if (edited.length > MAX_TOOL_FILE_BYTES) throw new ToolInputError(`the edited file would be over ${MAX_TOOL_FILE_BYTES} bytes`);
    await handle.truncate(0);
    await handle.write(edited, 0, edited.length, 0);
  } finally {
    await handle.close();
  }
  return `edited ${input.path}`;
}

/**
 * `git grep` over the repository (tracked and untracked files, .gitignore respected; a
 * plain directory is searched with --no-index), in the sandbox with a time limit: the
 * repository's config is the agent's to write, and a pathological pattern must not stall
 * the worker the way a JavaScript RegExp would.
 */
export async function gitGrep(sandbox: CommandSandbox, root: string, input: { pattern: string; path?: string }, limits: SandboxLimits): Promise<string> {
  if (!input.pattern) throw new ToolInputError('pattern must not be empty');
  const scope = input.path ? path.relative(await fs.realpath(root), await resolveInside(root, input.path)) || '.' : '.';
  const isRepository = await fs.stat(path.join(root, '.git')).then(() => true, () => false);
  const result = await gitGrepInSandbox(sandbox, root, { pattern: input.pattern, scope, isRepository }, limits);
  if (result.outcome === 'timed_out') throw new ToolInputError('search took over 20 s; use a simpler pattern');
  if (result.outcome !== 'exited') throw new ToolInputError(`search stopped: ${result.limitMessage}`);
  if (result.exitCode === 1) return `no matches for /${input.pattern}/`;
  if (result.exitCode !== 0) throw new ToolInputError(`search failed: ${result.stderr.trim().slice(0, 500)}`);
  const lines = result.stdout.split('\n').filter(Boolean);
  const shown = lines.slice(0, LIMITS.searchResults).map((line) => line.slice(0, LIMITS.lineChars));
  return shown.join('\n') + (lines.length > shown.length ? `\n… (first ${shown.length} of ${lines.length}${result.truncated ? '+' : ''} matches)` : '');
}
