import type { CompiledSkill } from './compiler';
import { compareSemver, parseSemver } from './rollout';

/**
 * Semantic versioning of skills, held to what changed (README "Versions and rollout"): what a
 * run takes (inputs), promises (outputs), may do (permissions) and answers to (triggers) is the
 * skill's interface; the ERP and the organization's automation are built on it.
 *
 * - major: something built on the skill breaks — an input removed, retyped or newly required;
 *   an output removed, retyped or no longer promised; a trigger removed.
 * - minor: the skill can do more — an optional input, an output, a permission or a trigger
 *   added; an input no longer required; a permission dropped.
 * - patch: the rest (purpose, founder knowledge, process, error handling, category).
 */

export type Bump = 'major' | 'minor' | 'patch';

type Interface = Pick<CompiledSkill, 'inputs' | 'outputs' | 'permissions' | 'triggers'>;

export interface RequiredBump {
  bump: Bump;
  /** Why, one line per change that asks for more than a patch (breaking ones first). */
  reasons: string[];
  /** Those of the reasons that add to the interface (an input, output, permission or trigger): what a feature is. */
  additions: string[];
}

const triggerName = (trigger: CompiledSkill['triggers'][number]) => ('event' in trigger ? `event ${trigger.event}` : `schedule ${trigger.schedule}`);

/** The least a version must move from `previous` to `next`, and why. */
export function requiredBump(previous: Interface, next: Interface): RequiredBump {
  const breaking: string[] = [];
  const features: string[] = [];
  const additions: string[] = [];
  const byName = <F extends { name: string }>(fields: F[]) => new Map(fields.map((field) => [field.name, field]));

  const inputsBefore = byName(previous.inputs);
  const inputsAfter = byName(next.inputs);
  for (const [name, before] of inputsBefore) {
    const after = inputsAfter.get(name);
    if (!after) breaking.push(`input ${name} is removed`);
    else if (after.type !== before.type) breaking.push(`input ${name} changes type (${before.type} → ${after.type})`);
    else if (after.required && !before.required) breaking.push(`input ${name} becomes required`);
    else if (!after.required && before.required) features.push(`input ${name} is no longer required`);
  }
  for (const [name, after] of inputsAfter) {
    if (inputsBefore.has(name)) continue;
    const added = after.required ? `input ${name} is added as required` : `input ${name} is added`;
    (after.required ? breaking : features).push(added);
    additions.push(added);
  }

  const outputsBefore = byName(previous.outputs);
  const outputsAfter = byName(next.outputs);
  for (const [name, before] of outputsBefore) {
    const after = outputsAfter.get(name);
    if (!after) breaking.push(`output ${name} is removed`);
    else if (after.type !== before.type) breaking.push(`output ${name} changes type (${before.type} → ${after.type})`);
    else if (!after.required && before.required) breaking.push(`output ${name} is no longer promised`);
  }
  /** A change that adds to the interface: a feature, and an addition. */
  const add = (reason: string) => {
    features.push(reason);
    additions.push(reason);
  };
  for (const name of outputsAfter.keys()) if (!outputsBefore.has(name)) add(`output ${name} is added`);

  const triggersBefore = new Set(previous.triggers.map(triggerName));
  const triggersAfter = new Set(next.triggers.map(triggerName));
  for (const trigger of triggersBefore) if (!triggersAfter.has(trigger)) breaking.push(`trigger ${trigger} is removed`);
  for (const trigger of triggersAfter) if (!triggersBefore.has(trigger)) add(`trigger ${trigger} is added`);

  const permissionsBefore = new Set(previous.permissions);
  const permissionsAfter = new Set(next.permissions);
  for (const permission of permissionsAfter) if (!permissionsBefore.has(permission)) add(`permission ${permission} is added`);
  for (const permission of permissionsBefore) if (!permissionsAfter.has(permission)) features.push(`permission ${permission} is dropped`);

  return { bump: breaking.length > 0 ? 'major' : features.length > 0 ? 'minor' : 'patch', reasons: [...breaking, ...features], additions };
}

/** How far `to` moves from `from` (pre-release tags aside); `none` when it does not move forward. */
export function bumpBetween(from: string, to: string): Bump | 'none' {
  const a = parseSemver(from);
  const b = parseSemver(to);
  if (b.major > a.major) return 'major';
  if (b.major < a.major) return 'none';
  if (b.minor > a.minor) return 'minor';
  if (b.minor < a.minor) return 'none';
  return b.patch > a.patch ? 'patch' : 'none';
}

const RANK: Record<Bump | 'none', number> = { none: 0, patch: 1, minor: 2, major: 3 };

/** The next version a change of this kind takes after `from` (1.4.2 + minor → 1.5.0). */
export function nextVersion(from: string, bump: Bump): string {
  const { major, minor, patch } = parseSemver(from);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/**
 * Why `next` may not be published after the versions already published, or null: its version
 * must move from the one just below it at least as far as the change between them requires.
 * A first version, or one that moves no further than pre-release tags, is not held to it.
 */
export function versionProblem(published: Array<{ version: string; compiled: Interface }>, next: Interface & { version: string }): string | null {
  const below = published.filter((record) => compareSemver(record.version, next.version) < 0).sort((x, y) => compareSemver(x.version, y.version)).at(-1);
  if (!below) return null;
  const moved = bumpBetween(below.version, next.version);
  if (moved === 'none') return null;
  const required = requiredBump(below.compiled, next);
  if (RANK[moved] >= RANK[required.bump]) return null;
  return `${next.version} is a ${moved} version after ${below.version}, but ${required.reasons.join('; ')}: that is a ${required.bump} change — publish ${nextVersion(below.version, required.bump)} (or later)`;
}
