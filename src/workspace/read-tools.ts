import { constants as fsConstants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Read-only tools over a repository directory: list and read (with line ranges); search is
 * git grep (write-tools.ts), in a child process with a timeout.
 *
 * Confinement: every path is relative to the root; absolute paths, `..` and symlinks that
 * resolve outside the root are refused. Refusals and misses are tool errors for the agent
 * (it can correct itself), never exceptions that fail the activity.
 */

export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

export const LIMITS = {
  listEntries: 500,
  readLines: 2000,
  readBytes: 200_000,
  searchResults: 100,
  searchFileBytes: 1_000_000,
  lineChars: 500,
};

/** Files larger than this are not loaded into the worker (search them instead). */
export const MAX_TOOL_FILE_BYTES = 20 * 1024 * 1024;

/**
 * Opens a regular file for a tool — never a FIFO or device (opened non-blocking, then
 * checked on the open handle: a FIFO would otherwise block a worker thread for good), never
 * through a final symlink. The caller reads and writes through the handle, so what was
 * checked is what is used.
 */
export async function openRegularFile(file: string, flags: number, shown: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, flags | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new ToolInputError(`symlinks are not followed here: ${shown}`);
    if (code === 'ENXIO') throw new ToolInputError(`not a regular file: ${shown}`);
    if (code === 'ENOENT') throw new ToolInputError(`no such file or directory: ${shown}`);
    if (code === 'EISDIR') throw new ToolInputError(`is a directory: ${shown}`);
    throw error;
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new ToolInputError(`not a regular file: ${shown}`);
  }
  if (stat.size > MAX_TOOL_FILE_BYTES) {
    await handle.close();
    throw new ToolInputError(`${shown} is ${Math.round(stat.size / 1024 / 1024)} MiB; files over ${MAX_TOOL_FILE_BYTES / 1024 / 1024} MiB are not opened (use search_files)`);
  }
  return handle;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'dist', 'build', '.data', 'coverage']);

/** Resolves `relative` inside `root`, refusing anything that could leave it. */
export async function resolveInside(root: string, relative: string): Promise<string> {
  if (typeof relative !== 'string' || relative.includes('\0')) throw new ToolInputError('path must be a string');
  if (path.isAbsolute(relative)) throw new ToolInputError(`absolute paths are not allowed: ${relative}`);
  const normalized = path.normalize(relative === '' ? '.' : relative);
  if (normalized === '..' || normalized.startsWith(`..${path.sep}`)) {
    throw new ToolInputError(`path leaves the repository: ${relative}`);
  }
  const realRoot = await fs.realpath(root);
  const target = path.join(realRoot, normalized);
  let real: string;
  try {
    real = await fs.realpath(target);
  } catch {
    throw new ToolInputError(`no such file or directory: ${relative}`);
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new ToolInputError(`path leaves the repository through a symlink: ${relative}`);
  }
  return real;
}

export async function listFiles(root: string, input: { path?: string; depth?: number }): Promise<string> {
  const start = await resolveInside(root, input.path ?? '.');
  const stat = await fs.stat(start);
  if (!stat.isDirectory()) throw new ToolInputError(`not a directory: ${input.path}`);
  const maxDepth = Math.min(Math.max(input.depth ?? 2, 1), 6);
  const realRoot = await fs.realpath(root);
  const entries: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    const children = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      if (entries.length >= LIMITS.listEntries) return;
      const full = path.join(dir, child.name);
      const rel = path.relative(realRoot, full);
      if (child.isDirectory()) {
        if (SKIPPED_DIRS.has(child.name)) continue;
        entries.push(`${rel}/`);
        if (depth < maxDepth) await walk(full, depth + 1);
      } else if (child.isFile()) {
        entries.push(rel);
      }
    }
  }
  await walk(start, 1);
  const truncated = entries.length >= LIMITS.listEntries ? `\n… (truncated at ${LIMITS.listEntries} entries)` : '';
  return entries.length === 0 ? '(empty directory)' : entries.join('\n') + truncated;
}

export async function readFile(root: string, input: { path: string; startLine?: number; endLine?: number }): Promise<string> {
  const file = await resolveInside(root, input.path);
  const handle = await openRegularFile(file, fsConstants.O_RDONLY, input.path);
  let buffer: Buffer;
  try {
    buffer = await handle.readFile();
  } finally {
    await handle.close();
  }
  if (buffer.subarray(0, 8000).includes(0)) throw new ToolInputError(`binary file: ${input.path}`);
  const lines = buffer.toString('utf8').split('\n');
  const first = Math.max(1, input.startLine ?? 1);
  const last = Math.min(lines.length, input.endLine ?? first + LIMITS.readLines - 1, first + LIMITS.readLines - 1);
  if (first > lines.length) throw new ToolInputError(`${input.path} has ${lines.length} lines; startLine ${first} is past the end`);
  let output = '';
  for (let n = first; n <= last; n++) {
    const line = `${String(n).padStart(5)}  ${lines[n - 1] ?? ''}\n`;
    if (output.length + line.length > LIMITS.readBytes) {
      output += `… (truncated at ${LIMITS.readBytes} bytes; read on from line ${n})\n`;
      break;
    }
    output += line;
  }
  if (last < lines.length && !output.includes('truncated')) output += `… (${lines.length} lines in all)\n`;
  return output;
}
