import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { ErpBuildProposal } from '../db/schema';

/**
 * What a reviewer approves of an ERP build, as a digest of its exact payloads in order: the
 * API shows it beside the proposal, and creating refuses a proposal whose digest is not the
 * one the approved round submitted.
 */
export function proposalChecksum(records: ErpBuildProposal['records']): string {
  return createHash('sha256')
    .update(canonicalJson(records.map(({ collection, payload }) => ({ collection, payload }))))
    .digest('hex');
}
