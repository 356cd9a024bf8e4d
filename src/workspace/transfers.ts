import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { removeTree } from './disk';

/**
 * Where git bundles pass between the two kinds of worker (README "Worker pools"): the
 * orchestration worker writes the issue's branch for a workspace worker to clone, the
 * workspace worker writes the agent's commits for the orchestration worker to import. Too big
 * for an activity's payload (a repository), so the payload carries a `TransferRef` — the
 * claim check — and the bytes sit in a directory both pools mount (TRANSFER_DIR: a local
 * directory on one host, a shared volume across hosts). No sandbox ever mounts it.
 *
 * A reader trusts nothing but the ref: the file must have the size and SHA-256 the writer
 * put in the activity result (recorded in the workflow's history), so a file replaced in
 * the shared directory is refused, not read.
 */

export interface TransferRef {
  /** `{organizationId}/{issueId}/{uuid}.bundle`, relative to the store. */
  key: string;
  sha256: string;
  bytes: number;
}

export class TransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

const SAFE_SEGMENT = /^[A-Za-z0-9_-]{1,100}$/;
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,100}\/[A-Za-z0-9_-]{1,100}\/[0-9a-f-]{36}\.bundle$/;

export interface TransferStore {
  readonly root: string;
  /** Moves `file` into the store under the issue (the file is gone from where it was). */
  put(owner: { organizationId: string; issueId: string }, file: string): Promise<TransferRef>;
  /** The stored file's path, once it is the owner's and its size and digest match the ref. */
  open(ref: TransferRef, owner: { organizationId: string; issueId: string }): Promise<string>;
  /** Removes an issue's transfers (when it ends, or by the sweep). */
  removeIssue(owner: { organizationId: string; issueId: string }): Promise<void>;
}

export function createTransferStore(root: string): TransferStore {
  const resolved = path.resolve(root);
  const issueDir = (owner: { organizationId: string; issueId: string }) => {
    if (!SAFE_SEGMENT.test(owner.organizationId) || !SAFE_SEGMENT.test(owner.issueId)) throw new TransferError('invalid transfer owner');
    return path.join(resolved, owner.organizationId, owner.issueId);
  };
  return {
    root: resolved,
    async put(owner, file) {
      const dir = issueDir(owner);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const key = `${owner.organizationId}/${owner.issueId}/${randomUUID()}.bundle`;
      const target = path.join(resolved, key);
      const digest = await sha256Of(file);
      // Same filesystem: a rename. Another (a shared volume): a copy, then the original goes.
      await fs.rename(file, target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV') throw error;
        await fs.copyFile(file, target);
        await fs.rm(file, { force: true });
      });
      return { key, ...digest };
    },
    async open(ref, owner) {
      if (!KEY_PATTERN.test(ref.key)) throw new TransferError(`invalid transfer key ${JSON.stringify(ref.key).slice(0, 200)}`);
      // A ref names its issue: one handed back for another issue (or tenant) is refused.
      if (!ref.key.startsWith(`${owner.organizationId}/${owner.issueId}/`)) throw new TransferError(`transfer ${ref.key} is not issue ${owner.issueId}'s`);
      const file = path.join(resolved, ref.key);
      const found = await sha256Of(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new TransferError(`transfer ${ref.key} is not in ${resolved} (is TRANSFER_DIR the same directory on both pools?)`);
        throw error;
      });
      if (found.bytes !== ref.bytes || found.sha256 !== ref.sha256) throw new TransferError(`transfer ${ref.key} does not match its digest: refused`);
      return file;
    },
    async removeIssue(owner) {
      await removeTree(issueDir(owner));
    },
  };
}

async function sha256Of(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
