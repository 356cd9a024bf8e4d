import { z } from 'zod';
import { outboundUrlProblem, type OutboundPolicy, STRICT_OUTBOUND } from '../outbound/url-policy';
import { organizationSettingsSchema } from './policy';

/**
 * Editing an organization's settings safely (`npm run admin -- settings:set | settings:patch |
 * settings:get`): unknown keys are refused by name (a typo like `budgetUSD` must not pass and
 * silently reset `budgetUsd`), a patch merges instead of replacing, the change is shown as a
 * diff, and secrets are never printed.
 */

type Json = Record<string, unknown>;

/** Keys whose values are secrets: shown masked (a Slack incoming webhook's URL is its secret). */
const SECRET_KEY = /secret|serviceKey|token|password|webhookUrl/i;

const isPlainObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object schema under optional/default/prefault/nullable wrappers, if it is one. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: z.ZodType = schema;
  for (let i = 0; i < 10; i++) {
    if (current instanceof z.ZodObject) return current.shape as Record<string, z.ZodType>;
    const inner = (current as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
    if (!inner) return undefined;
    current = inner;
  }
  return undefined;
}

/** Every key of `value` the settings schema does not have, as dotted paths. */
export function unknownSettingKeys(value: unknown, schema: z.ZodType = organizationSettingsSchema, prefix = ''): string[] {
  const shape = objectShape(schema);
  if (!shape || !isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const childSchema = shape[key];
    if (!childSchema) return [path];
    return unknownSettingKeys(child, childSchema, path);
  });
}

/** The settings naming a URL we send events to (src/outbound/url-policy.ts). */
const OUTBOUND_URL_SETTINGS = [
  ['erp', 'callbackUrl'],
  ['notifications', 'webhook', 'url'],
  ['notifications', 'slack', 'webhookUrl'],
] as const;

/** Each outbound URL of `settings` the policy refuses, as `path: why`. */
export function outboundUrlProblems(settings: unknown, policy: OutboundPolicy): string[] {
  const fixed = OUTBOUND_URL_SETTINGS.flatMap((path) => {
    const value = path.reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), settings);
    if (typeof value !== 'string') return [];
    const problem = outboundUrlProblem(value, policy);
    return problem ? [`${path.join('.')}: ${problem}`] : [];
  });
  // Each MCP server's URL (src/contracts/mcp.ts) is one we connect to as well.
  const mcp = isPlainObject(settings) && isPlainObject(settings['mcp']) ? settings['mcp']['servers'] : undefined;
  const servers = Array.isArray(mcp) ? mcp : [];
  const mcpProblems = servers.flatMap((server, index) => {
    const url = isPlainObject(server) ? server['url'] : undefined;
    const problem = typeof url === 'string' ? outboundUrlProblem(url, policy) : null;
    return problem ? [`mcp.servers.${index}.url: ${problem}`] : [];
  });
  return [...fixed, ...mcpProblems];
}

/**
 * What is wrong with settings as they would be stored; empty when they are valid. `policy`:
 * where this installation may send events (OUTBOUND_ALLOW_PRIVATE; strict by default).
 */
export function settingsProblems(settings: unknown, policy: OutboundPolicy = STRICT_OUTBOUND): string[] {
  const unknown = unknownSettingKeys(settings).map((path) => `${path}: not a setting (check its spelling)`);
  const parsed = organizationSettingsSchema.safeParse(settings);
  const invalid = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(settings)'}: ${issue.message}`);
  return [...unknown, ...invalid, ...outboundUrlProblems(settings, policy)];
}

/**
 * `patch` merged into `current`: objects merge key by key, anything else replaces, and `null`
 * removes a key (back to its default).
 */
export function mergeSettings(current: Json, patch: Json): Json {
  const merged: Json = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (isPlainObject(value) && isPlainObject(merged[key])) merged[key] = mergeSettings(merged[key] as Json, value);
    else merged[key] = value;
  }
  return merged;
}

/** One line per changed leaf: `path: before → after` (secrets masked). */
export function settingsDiff(before: Json, after: Json): string[] {
  const lines: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isPlainObject(a) || isPlainObject(b)) {
      const left = isPlainObject(a) ? a : {};
      const right = isPlainObject(b) ? b : {};
      for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) walk(left[key], right[key], path ? `${path}.${key}` : key);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(SECRET_KEY.test(path) ? maskSecret(value) : value));
    lines.push(`${path}: ${show(a)} → ${show(b)}`);
  };
  walk(before, after, '');
  return lines;
}

/** The settings with every secret masked (its length and last two characters kept). */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, maskSecrets(child, name)]));
  return SECRET_KEY.test(key) ? maskSecret(value) : value;
}

function maskSecret(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.length <= 4 ? '••••' : `${'•'.repeat(Math.min(8, value.length - 2))}${value.slice(-2)}`;
}
