import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import type PinoPretty from 'pino-pretty';

/**
 * The service's logs: one JSON object per line (pino), so a log pipeline indexes them without
 * parsing. Every line carries the process (`name`), and — when logged inside an API request or
 * an activity — the request id, organization and issue/workflow of that work (see
 * `withLogContext`), so one grep follows one issue across the API and the workers.
 *
 * `format: 'pretty'` (npm run dev only) prints the same events for a person at a terminal.
 *
 * Secrets: fields named like credentials are redacted by path, and every value registered with
 * `neverLog` (the configured keys and tokens; src/main/*) is cut out of each line before it is
 * written, wherever it appears — a message, a URL, an error's text.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `bindings`. */
  child(bindings: Record<string, unknown>): Logger;
}

/** What lines logged during one unit of work carry; set by the API's middleware and the worker's activity interceptor. */
export interface LogContext {
  requestId?: string;
  organizationId?: string;
  issueId?: string;
  invocationId?: string;
  workflowId?: string;
  activity?: string;
  /** Who a request acts as (a key's id, never the key). */
  actor?: string;
}

export interface LoggerOptions {
  /** `pretty` for a terminal (npm run dev); default `json`. */
  format?: 'json' | 'pretty';
  /** Where lines go (default: stderr, written synchronously so nothing is lost on exit). */
  destination?: { write(line: string): unknown };
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` added to the context of every line it logs (nested calls add to it). */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return context.run({ ...context.getStore(), ...withoutUndefined(fields) }, work);
}

/** Adds to the current context once a later step learns more (the organization, after authentication). */
export function addLogContext(fields: LogContext): void {
  const store = context.getStore();
  if (store) Object.assign(store, withoutUndefined(fields));
}

export function currentLogContext(): LogContext {
  return { ...context.getStore() };
}

/** Values shorter than this are not scrubbed: a 3-character "secret" would mangle every line. */
const MIN_SECRET_LENGTH = 8;
const secrets = new Set<string>();

/**
 * Registers values no log line may contain (API keys, tokens, webhook secrets, the database
 * password). Process-wide: every logger, including the Temporal SDK's (src/temporal/runtime.ts).
 */
export function neverLog(...values: Array<string | undefined>): void {
  for (const value of values) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    secrets.add(value);
    // As it appears inside a JSON string (quotes and backslashes escaped).
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) secrets.add(escaped);
  }
}

export function scrubSecrets(line: string): string {
  let out = line;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

/** Field names whose values are credentials, at the top level and one or two levels down. */
const SECRET_FIELDS = ['authorization', 'apiKey', 'api_key', 'token', 'secret', 'password', 'webhookSecret', 'privateKey', 'cookie', 'key'];
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export function createLogger(level: LogLevel, name: string, options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  const stream = options.format === 'pretty' ? prettyStream(destination) : destination;
  const root = pino(
    {
      name,
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => context.getStore() ?? {},
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { error: serializeError, err: serializeError },
      hooks: { streamWrite: scrubSecrets },
    },
    stream,
  );
  return wrap(root);
}

function wrap(target: pino.Logger): Logger {
  const emit = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (fields && Object.keys(fields).length > 0) target[at](errorsSerialized(fields), message);
    else target[at](message);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (bindings) => wrap(target.child(errorsSerialized(bindings))),
  };
}

/** pino serializes `err`/`error` fields; an Error under any other name would print as `{}`. */
function errorsSerialized(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error && key !== 'error' && key !== 'err') (out ??= { ...fields })[key] = serializeError(value);
  }
  return out ?? fields;
}

function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const cause = (value as { cause?: unknown }).cause;
  return { type: value.name, message: value.message, stack: value.stack, ...(cause !== undefined ? { cause: serializeError(cause) } : {}) };
}

function prettyStream(destination: { write(line: string): unknown }) {
  // Loaded only for npm run dev: production never needs the prettifier.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pretty({
    destination: destination as NodeJS.WritableStream,
    sync: true,
    colorize: process.stderr.isTTY === true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname',
    messageKey: 'msg',
    singleLine: true,
  });
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
