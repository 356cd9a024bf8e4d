import { type Config, configuredSecrets } from '../config';
import { createLogger, type Logger, neverLog } from '../logger';

/**
 * A process's logger: the configured level and format (LOG_FORMAT, else `defaultFormat`), with
 * every configured credential registered so no line can carry it.
 */
export function processLogger(config: Config, name: string, defaultFormat: 'json' | 'pretty' = 'json'): Logger {
  neverLog(...configuredSecrets(config));
  return createLogger(config.logLevel, name, { format: config.logFormat ?? defaultFormat });
}
