import { createHash } from 'node:crypto';
import type { Rollout } from '../contracts/skills';

/**
 * Which published version of a skill an invocation runs, and what "roll back" means.
 * Pure functions over the published versions, so the choice is testable and repeatable.
 */

export interface SemverParts {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

export function parseSemver(version: string): SemverParts {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/.exec(version);
  if (!match) throw new Error(`not a semantic version: ${version}`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] ?? '' };
}

/** Semver precedence (build metadata ignored; a pre-release sorts before its release). */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (x[key] !== y[key]) return x[key] - y[key];
  }
  if (x.prerelease === y.prerelease) return 0;
  if (!x.prerelease) return 1;
  if (!y.prerelease) return -1;
  return x.prerelease < y.prerelease ? -1 : 1;
}

/**
 * The versions `latest` and `canary` may pick: not drafts, not disabled. Pinning (a rollout or
 * an invocation's `version`) may still name a draft, to try it before it goes out.
 */
export function rolloutCandidates(versions: Array<{ version: string; status: string }>): string[] {
  return versions.filter((version) => version.status === 'active' || version.status === 'deprecated').map((version) => version.version);
}

/** rolloutCandidates over published version records (their compiled status). */
export function candidatesOf(records: Array<{ version: string; compiled: { status: string } }>): string[] {
  return rolloutCandidates(records.map((record) => ({ version: record.version, status: record.compiled.status })));
}

/**
 * The version that represents the skill now: what `latest` would run (the highest active
 * release), or the highest version when none is active yet. Records in semver order.
 */
export function currentVersionOf<R extends { version: string; compiled: { status: string } }>(records: R[]): R | undefined {
  const candidates = candidatesOf(records);
  return candidates.length > 0 ? records.find((record) => record.version === latestOf(candidates)) : records.at(-1);
}

/** 0–99, the same for the same invocation id everywhere (sha256, not Math.random). */
export function canaryBucket(invocationId: string): number {
  return createHash('sha256').update(invocationId).digest().readUInt32BE(0) % 100;
}

/** The version an invocation runs under a rollout policy. `published` is every published version. */
export function chooseVersion(rollout: Rollout, published: string[], invocationId: string): string {
  if (rollout.mode === 'pinned') return rollout.version;
  if (published.length === 0) throw new Error('no version is published');
  switch (rollout.mode) {
    case 'latest':
      return latestOf(published);
    case 'canary':
      return canaryBucket(invocationId) < rollout.percent ? rollout.canary : rollout.stable;
  }
}

/**
 * Roll back: pin the version that was serving before the current one. A canary goes back to
 * its stable version; pinned or latest go to the highest published version below the one they
 * run now. Undefined when there is nothing older.
 */
export function rollbackTarget(rollout: Rollout, published: string[]): string | undefined {
  if (rollout.mode === 'canary') return rollout.stable;
  const current = rollout.mode === 'pinned' ? rollout.version : latestOf(published);
  return [...published].sort(compareSemver).filter((version) => compareSemver(version, current) < 0).at(-1);
}

/** The highest release; pre-releases (1.2.0-rc.1) only when nothing else is published. */
export function latestOf(published: string[]): string {
  const sorted = [...published].sort(compareSemver);
  return (sorted.filter((version) => !parseSemver(version).prerelease).at(-1) ?? sorted.at(-1)) as string;
}

/** The versions a rollout names, so it can be checked against what is published. */
export function versionsNamed(rollout: Rollout): string[] {
  switch (rollout.mode) {
    case 'pinned':
      return [rollout.version];
    case 'latest':
      return [];
    case 'canary':
      return [rollout.stable, rollout.canary];
  }
}
