import { statSync } from 'node:fs';
import { type LoopRef, loadLoopTranscript } from '../src/db/agent-transcripts';
import type { Database } from '../src/db/client';
import { formatInstructions, instructionsFor, type ProjectInstructions } from '../src/workspace/conventions';

/**
 * The repository's instruction files (src/workspace/conventions.ts) that apply to `touched` and
 * this loop has not been shown yet — in its first message or an earlier tool result — as text
 * to append; '' when there are none. Read from Postgres, so a retry or another worker decides
 * the same way, and a file is given to a loop once.
 */
export async function unseenProjectInstructions(db: Database, loop: LoopRef, root: string, touched: string): Promise<string> {
  return unseenOf(db, loop, await instructionsFor(root, touched));
}

/** The same, for instruction files read elsewhere (a workspace worker's, activities/workspace-host.ts). */
export async function unseenOf(db: Database, loop: LoopRef, found: ProjectInstructions[]): Promise<string> {
  if (found.length === 0) return '';
  const { messages, toolCalls } = await loadLoopTranscript(db, loop);
  const shown = [...messages.map((message) => (typeof message.content === 'string' ? message.content : '')), ...toolCalls.map((call) => call.output ?? '')];
  return formatInstructions(found, (marker) => shown.some((text) => text.includes(marker)));
}

/** The path a repository tool call works on (its directory's instructions apply); the root for the rest. */
export function pathTouchedBy(toolInput: unknown): string {
  const candidate = typeof toolInput === 'object' && toolInput !== null ? (toolInput as { path?: unknown }).path : undefined;
  return typeof candidate === 'string' && candidate.length > 0 && candidate.length < 1000 ? candidate : '.';
}

/**
 * The instructions a loop starts with: the root's and those of the directories the latest
 * change touched (code after review, and review), when the repository is on this host already;
 * a fresh host's loop gets them with its first tool results instead.
 */
export async function projectInstructionsAtStart(root: string | undefined, diffPatch: string | null | undefined): Promise<string> {
  if (!root || !isDirectory(root)) return '';
  const touched = ['.', ...changedPaths(diffPatch ?? '')];
  const byPath = new Map<string, Awaited<ReturnType<typeof instructionsFor>>[number]>();
  for (const file of touched) for (const found of await instructionsFor(root, file)) byPath.set(found.path, found);
  return formatInstructions([...byPath.values()], () => false);
}

/** The files a unified diff changes (`+++ b/path`), at most 50. */
export function changedPaths(diffPatch: string): string[] {
  const paths = new Set<string>();
  for (const match of diffPatch.matchAll(/^\+\+\+ b\/(.+)$/gm)) {
    if (paths.size >= 50) break;
    paths.add(match[1] as string);
  }
  return [...paths];
}

/**
 * Synchronous, as conventions.ts probes: the answer is often "absent" (a loop on a host without
 * the clone), which the promise API answers by building an error with its stack.
 */
function isDirectory(dir: string): boolean {
  try {
    return statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}
