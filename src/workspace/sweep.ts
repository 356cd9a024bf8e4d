import fs from 'node:fs/promises';
import path from 'node:path';
import { TERMINAL_ISSUE_STATUSES } from '../contracts/issue';
import type { Database } from '../db/client';
import { getIssue } from '../db/issues';
import type { Logger } from '../logger';
import { removeTree } from './disk';

/**
 * Disk hygiene for workspaces and mirrors, behind the removal at the end of each issue
 * (finishIssue): an issue that ended while its worker was gone, a row deleted, a clone
 * left idle. Rules:
 * - a workspace or mirror whose issue has ended, or does not exist, is removed;
 * - a workspace untouched for `ttlMs` is removed even if its issue goes on: its committed
 *   work is in the mirror and it is cloned again on next use (uncommitted edits of an idle
 *   workspace are lost; with the default TTL of 72 h, human waits have expired before that).
 * Staging directories of interrupted clones are removed once older than the TTL too.
 */

export interface SweepOptions {
  /** Absent on a workspace worker (it has no database): only the TTL rule applies there. */
  db?: Database;
  log?: Logger;
  workspacesDir: string;
  /** Absent on a workspace worker (mirrors are the orchestration worker's). */
  mirrorsDir?: string;
  /** TRANSFER_DIR: the bundles of issues that ended are removed (an issue ending removes its own; this catches the rest). */
  transferDir?: string;
  ttlMs: number;
  now?: number;
}

export interface SweepResult {
  workspaces: number;
  mirrors: number;
  /** Issues whose transfers were removed (counted only when a transfer directory is swept). */
  transfers?: number;
}

const ENDED = new Set<string>(TERMINAL_ISSUE_STATUSES);

async function children(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

export async function sweepWorkspaces(options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? Date.now();
  const result: SweepResult = { workspaces: 0, mirrors: 0 };
  const ended = new Map<string, boolean>();
  const issueEnded = async (organizationId: string, issueId: string) => {
    const key = `${organizationId}/${issueId}`;
    const { db } = options;
    if (!db) return false;
    if (!ended.has(key)) {
      const issue = await getIssue(db, organizationId, issueId).catch(() => 'unknown' as const);
      // A lookup that failed is not evidence: keep the directory.
      ended.set(key, issue === 'unknown' ? false : !issue || ENDED.has(issue.status));
    }
    return ended.get(key) as boolean;
  };
  // One directory that cannot be removed must not stop the sweep of the others.
  const remove = async (dir: string) =>
    removeTree(dir).then(
      () => true,
      (error: unknown) => {
        options.log?.warn('workspace sweep could not remove a directory', { dir, error: error instanceof Error ? error.message : String(error) });
        return false;
      },
    );

  for (const organizationId of await children(options.workspacesDir)) {
    const orgDir = path.join(options.workspacesDir, organizationId);
    for (const name of await children(orgDir)) {
      const dir = path.join(orgDir, name);
      const stat = await fs.stat(dir).catch(() => undefined);
      if (!stat) continue;
      const idle = now - stat.mtimeMs > options.ttlMs;
      const staging = name.includes('.staging-');
      if ((staging && idle) || (!staging && (idle || (await issueEnded(organizationId, name))))) {
        if (await remove(dir)) result.workspaces += 1;
      }
    }
  }
  const { transferDir } = options;
  if (transferDir) {
    result.transfers = 0;
    for (const organizationId of await children(transferDir)) {
      const orgDir = path.join(transferDir, organizationId);
      for (const issueId of await children(orgDir)) {
        if ((await issueEnded(organizationId, issueId)) && (await remove(path.join(orgDir, issueId)))) result.transfers += 1;
      }
    }
  }
  const { mirrorsDir } = options;
  if (mirrorsDir) {
    for (const organizationId of await children(mirrorsDir)) {
      const orgDir = path.join(mirrorsDir, organizationId);
      for (const name of await children(orgDir)) {
        if (!name.endsWith('.git')) continue;
        if (await issueEnded(organizationId, name.slice(0, -'.git'.length))) {
          if (await remove(path.join(orgDir, name))) result.mirrors += 1;
        }
      }
    }
  }
  return result;
}

/** Sweeps at start and every `intervalMs` (default hourly) in the worker process. */
export function startWorkspaceSweep(options: Omit<SweepOptions, 'now' | 'log'> & { log: Logger; intervalMs?: number }): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const removed = await sweepWorkspaces(options);
      if (removed.workspaces + removed.mirrors + (removed.transfers ?? 0) > 0) options.log.info('workspace sweep', { ...removed });
    } catch (error) {
      options.log.warn('workspace sweep failed; the next one retries', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), options.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
