import { existsSync } from 'node:fs';

/**
 * The first process of every command, run by the worker: it closes every descriptor but
 * stdin, stdout and stderr (the worker may hold descriptors inherited from its own parent —
 * a supervisor's, a CI runner's — without close-on-exec; Node's spawn passes them on, and a
 * directory descriptor would hand the sandbox the host's filesystem), joins the command's
 * cgroups while still privileged, then execs the rest (setpriv, prlimit, bwrap).
 *
 * bash, not sh: dash closes only descriptors 0–9.
 */
const SCRIPT = [
  'for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null; fi; done',
  'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done',
  'shift',
  'exec "$@"',
].join('\n');

export function findBash(): string {
  const bash = ['/usr/bin/bash', '/bin/bash'].find((candidate) => existsSync(candidate));
  if (!bash) throw new Error('bash is needed to start sandboxed commands (it closes inherited descriptors); install it');
  return bash;
}

/** argv that closes inherited descriptors, writes its pid into each of `cgroupProcsFiles`, then execs `then`. */
export function launcherArgv(bash: string, cgroupProcsFiles: string[], then: string[]): string[] {
  return [bash, '-c', SCRIPT, 'sandbox', ...cgroupProcsFiles, '--', ...then];
}
