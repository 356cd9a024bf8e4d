import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Read-only tools over a repository directory: list, read (with line ranges), search.
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
  const stat = await fs.stat(file);
  if (!stat.isFile()) throw new ToolInputError(`not a file: ${input.path}`);
  const buffer = await fs.readFile(file);
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

export async function searchFiles(root: string, input: { pattern: string; path?: string }): Promise<string> {
  if (!input.pattern) throw new ToolInputError('pattern must not be empty');
  let regex: RegExp;
  try {
    regex = new RegExp(input.pattern);
  } catch {
    regex = new RegExp(input.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
  const start = await resolveInside(root, input.path ?? '.');
  const realRoot = await fs.realpath(root);
  const results: string[] = [];
  async function visit(entry: string): Promise<void> {
    if (results.length >= LIMITS.searchResults) return;
    const stat = await fs.lstat(entry);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if (SKIPPED_DIRS.has(path.basename(entry)) && entry !== start) return;
      for (const child of (await fs.readdir(entry)).sort()) await visit(path.join(entry, child));
      return;
    }
    if (!stat.isFile() || stat.size > LIMITS.searchFileBytes) return;
    const buffer = await fs.readFile(entry);
    if (buffer.subarray(0, 8000).includes(0)) return;
    const lines = buffer.toString('utf8').split('\n');
    for (let i = 0; i < lines.length && results.length < LIMITS.searchResults; i++) {
      if (regex.test(lines[i] ?? '')) {
        results.push(`${path.relative(realRoot, entry)}:${i + 1}: ${(lines[i] ?? '').slice(0, LIMITS.lineChars)}`);
      }
    }
  }
  await visit(start);
  if (results.length === 0) return `no matches for /${input.pattern}/`;
  const truncated = results.length >= LIMITS.searchResults ? `\n… (first ${LIMITS.searchResults} matches)` : '';
  return results.join('\n') + truncated;
}
