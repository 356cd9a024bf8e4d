import type { z } from 'zod';

/**
 * zod issues as the API's error details: `{ path, message, expected?, received? }`, in words a
 * client developer can act on ("is required", "must be one of: bug, feature") rather than the
 * validator's own ("expected nonoptional", "received NaN").
 */

export interface ValidationDetail {
  /** Where: dotted path in the part that failed (`context.module`, `limit`); empty for the whole part. */
  path: string;
  message: string;
  /** What would have been accepted, when it can be said briefly. */
  expected?: string;
  /** What was sent, shortened. */
  received?: string;
}

/** At most this many details go back (a body with 30 000 unknown fields gets a short answer). */
const MAX_DETAILS = 50;

export function validationDetails(issues: readonly z.core.$ZodIssue[], input?: unknown): ValidationDetail[] {
  const details = issues.flatMap((issue) => describeIssue(issue, input));
  if (details.length <= MAX_DETAILS) return details;
  return [...details.slice(0, MAX_DETAILS), { path: '', message: `and ${details.length - MAX_DETAILS} more problems` }];
}

/** A path as sent, shortened: field names come from the caller. */
const shortPath = (path: string) => (path.length > 200 ? `${path.slice(0, 197)}…` : path);

function describeIssue(issue: z.core.$ZodIssue, input: unknown): ValidationDetail[] {
  const path = shortPath(issue.path.map(String).join('.'));
  const value = valueAt(input, issue.path);
  const received = value.found ? shortly(value.value) : undefined;
  const detail = (message: string, expected?: string): ValidationDetail => ({
    path,
    message,
    ...(expected === undefined ? {} : { expected }),
    ...(received === undefined ? {} : { received }),
  });
  const absent = !value.found || value.value === undefined;
  if (absent && issue.code === 'invalid_value') return [{ path, message: 'is required', expected: issue.values.map(String).join(' | ') }];
  if (absent && issue.code === 'invalid_union') return [{ path, message: 'is required' }];
  switch (issue.code) {
    case 'invalid_type': {
      if (absent) return [{ path, message: 'is required', ...(issue.expected === 'nonoptional' ? {} : { expected: issue.expected }) }];
      if (typeof value.value === 'number' && Number.isNaN(value.value)) return [detail('must be a number', 'number')];
      if (issue.expected === 'number' && typeof value.value === 'string') return [detail('must be a number', 'number')];
      return [detail(`must be ${article(issue.expected)}, not ${kindOf(value.value)}`, issue.expected)];
    }
    case 'too_small':
      return [detail(boundMessage(issue.origin, 'least', issue.minimum, issue.inclusive), `${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`)];
    case 'too_big':
      return [detail(boundMessage(issue.origin, 'most', issue.maximum, issue.inclusive), `${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`)];
    case 'invalid_value': {
      const allowed = issue.values.map((allowedValue) => String(allowedValue));
      return [detail(allowed.length === 1 ? `must be ${allowed[0]}` : `must be one of: ${allowed.join(', ')}`, allowed.join(' | '))];
    }
    case 'invalid_format':
      return [detail(formatMessage(issue), issue.format)];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: shortPath(path ? `${path}.${key}` : key), message: 'is not a field of this request (check its spelling)' }));
    case 'invalid_union':
      return [detail('does not match any of the accepted shapes')];
    case 'not_multiple_of':
      return [detail(`must be a multiple of ${String(issue.divisor)}`)];
    default:
      // custom (refinements) and the rest: their messages are ours.
      return [detail(issue.message)];
  }
}

function boundMessage(origin: string, side: 'least' | 'most', bound: unknown, inclusive?: boolean): string {
  const n = String(bound);
  switch (origin) {
    case 'string':
      return `must be at ${side} ${n} character${n === '1' ? '' : 's'} long`;
    case 'array':
    case 'set':
      return `must have at ${side} ${n} item${n === '1' ? '' : 's'}`;
    case 'date':
      return side === 'least' ? `must not be before ${n}` : `must not be after ${n}`;
    default:
      if (inclusive === false) return side === 'least' ? `must be greater than ${n}` : `must be less than ${n}`;
      return `must be at ${side} ${n}`;
  }
}

function formatMessage(issue: z.core.$ZodIssueInvalidStringFormat): string {
  switch (issue.format) {
    case 'regex':
      // Our patterns carry their own rule as the message ("letters, digits and . _ : @ # / - only").
      return issue.message.startsWith('Invalid') ? `must match ${issue.pattern ?? 'the pattern'}` : issue.message;
    case 'datetime':
      return 'must be an ISO 8601 date-time with an offset (2026-12-01T09:00:00Z)';
    case 'url':
      return 'must be a URL';
    case 'uuid':
      return 'must be a UUID';
    case 'email':
      return 'must be an email address';
    default:
      return `must be a valid ${issue.format}`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in (current as object))) return { found: false };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${article(typeof value)} (${shortly(value)})`;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** A sent value shortened for an error message: never a whole body back. */
function shortly(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
