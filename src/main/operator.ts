import os from 'node:os';

/**
 * The login name of whoever runs an operator command, for audit records. In a container the
 * process's uid may have no passwd entry, where `os.userInfo()` throws.
 */
export function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env['USER'] ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}
