import type { RepositorySettings } from '../contracts/policy';
import { isAllowed } from './commands';

/**
 * Which commands the code agent may run on its own, and which a person must approve first
 * (README "Command approval"). Every command runs in the sandbox either way; approval is about
 * what a command may do to the work (delete it, rewrite history, pull in packages, change CI).
 *
 * A command is classified from its argv (there is no shell: no pipes, no expansion):
 * - **safe**: reads only (ls, cat, grep, git status/diff/log/show, …) or is the configured test command;
 * - **dangerous**: deletes recursively or by force, changes git history or refs, installs or
 *   removes packages, touches CI configuration, escalates privileges, or runs a shell;
 * - **unknown**: the rest.
 *
 * The organization's policy (`settings.repository.commandApproval`) then says what runs:
 * - `never` (default): no one is asked; the allowlist decides (today's rule: what it names runs,
 *   the rest is refused);
 * - `on-request`: safe and allowlisted commands run; a dangerous one, or one outside the
 *   allowlist, waits for a person instead of being refused;
 * - `on-failure`: as `never` until a command of the loop has failed; from then on, what
 *   `never` would refuse waits for a person (a stuck agent may ask for more);
 * - `untrusted`: only safe commands run unasked; everything else waits.
 */
export type CommandApprovalPolicy = RepositorySettings['commandApproval'];

export type CommandClass = 'safe' | 'dangerous' | 'unknown';

export interface CommandClassification {
  class: CommandClass;
  /** Why, in a few words (shown to the reviewer and the agent). */
  reason: string;
}

/** What the policy says about one command: run it, ask a person, or refuse it. */
export type CommandGate = 'run' | 'ask' | 'refuse';

const READ_ONLY_PROGRAMS = new Set(['ls', 'cat', 'head', 'tail', 'wc', 'pwd', 'echo', 'grep', 'egrep', 'fgrep', 'rg', 'diff', 'sort', 'uniq', 'stat', 'file', 'tree', 'which', 'true']);
const FIND_ACTIONS = new Set(['-delete', '-exec', '-execdir', '-ok', '-okdir', '-fprint', '-fprint0', '-fprintf', '-fls']);
const GIT_READ_ONLY = new Set(['status', 'diff', 'log', 'show', 'ls-files', 'grep', 'blame', 'rev-parse', 'describe', 'shortlog', 'cat-file', 'ls-tree']);
const GIT_DANGEROUS = new Set(['reset', 'rebase', 'push', 'filter-branch', 'filter-repo', 'clean', 'update-ref', 'reflog', 'gc', 'prune', 'replace', 'worktree', 'remote', 'config', 'submodule']);
const PACKAGE_MANAGERS: Record<string, Set<string>> = {
  npm: new Set(['install', 'i', 'add', 'ci', 'update', 'upgrade', 'uninstall', 'remove', 'rm', 'un', 'link', 'exec', 'x']),
  pnpm: new Set(['install', 'i', 'add', 'update', 'up', 'remove', 'rm', 'dlx', 'exec']),
  yarn: new Set(['install', 'add', 'upgrade', 'remove', 'dlx']),
  pip: new Set(['install', 'uninstall', 'download']),
  pip3: new Set(['install', 'uninstall', 'download']),
  cargo: new Set(['install', 'add', 'remove', 'uninstall']),
  go: new Set(['get', 'install']),
  gem: new Set(['install', 'uninstall']),
  composer: new Set(['install', 'require', 'remove', 'update']),
  bundle: new Set(['install', 'add', 'update']),
};
const ALWAYS_DANGEROUS = new Set(['sudo', 'su', 'doas', 'apt', 'apt-get', 'dpkg', 'yum', 'dnf', 'apk', 'brew', 'npx', 'pnpx', 'bunx', 'dd', 'mkfs', 'shred', 'sh', 'bash', 'zsh', 'dash', 'fish', 'ksh', 'eval', 'env', 'xargs']);
const CI_PATHS = [/(^|\/)\.github(\/|$)/, /(^|\/)\.gitlab-ci\.ya?ml$/, /(^|\/)\.circleci(\/|$)/, /(^|\/)Jenkinsfile$/, /(^|\/)\.travis\.ya?ml$/, /(^|\/)azure-pipelines\.ya?ml$/, /(^|\/)\.buildkite(\/|$)/];
/** Directories a build makes again: removing them is housekeeping. */
const GENERATED_DIRS = /^(\.\/)?(dist|build|coverage|out|target|node_modules|\.cache|\.next|\.turbo|tmp|\.pytest_cache|__pycache__)(\/.*)?$/;

export function classifyCommand(argv: readonly string[], testCommand: readonly string[] | undefined): CommandClassification {
  const [program = '', ...args] = argv;
  const name = program.split('/').pop() ?? program;
  if (argv.some((arg) => CI_PATHS.some((pattern) => pattern.test(arg)))) return { class: 'dangerous', reason: 'touches CI configuration' };
  if (ALWAYS_DANGEROUS.has(name)) return { class: 'dangerous', reason: `${name} runs arbitrary or privileged work` };
  if (testCommand && testCommand.length > 0 && isAllowed([...argv], [[...testCommand]])) return { class: 'safe', reason: 'the configured test command' };
  if (name === 'rm' || name === 'rmdir') {
    const flags = args.filter((arg) => arg.startsWith('-'));
    const targets = args.filter((arg) => !arg.startsWith('-'));
    const forceful = flags.some((flag) => /^-[a-zA-Z]*[rRf]/.test(flag) || flag === '--recursive' || flag === '--force');
    if (targets.length > 0 && targets.every((target) => GENERATED_DIRS.test(target))) return { class: 'unknown', reason: 'removes generated files' };
    return forceful ? { class: 'dangerous', reason: 'deletes recursively or by force' } : { class: 'unknown', reason: 'deletes files' };
  }
  if ((name === 'chmod' || name === 'chown') && args.some((arg) => /^-[a-zA-Z]*R/.test(arg) || arg === '--recursive')) return { class: 'dangerous', reason: 'changes permissions recursively' };
  if (name === 'git') return classifyGit(args);
  const manager = PACKAGE_MANAGERS[name];
  if (manager && args.some((arg) => manager.has(arg))) return { class: 'dangerous', reason: `${name} installs or removes packages` };
  if ((name === 'python' || name === 'python3') && args[0] === '-m' && (args[1] === 'pip' || args[1] === 'pip3') && args.slice(2).some((arg) => arg === 'install' || arg === 'uninstall')) {
    return { class: 'dangerous', reason: 'pip installs or removes packages' };
  }
  if (name === 'find') return args.some((arg) => FIND_ACTIONS.has(arg)) ? { class: 'dangerous', reason: 'find runs or deletes' } : { class: 'safe', reason: 'reads only' };
  if (name === 'sed' && args.some((arg) => arg === '-i' || arg.startsWith('-i') || arg === '--in-place')) return { class: 'unknown', reason: 'edits files in place' };
  if (READ_ONLY_PROGRAMS.has(name) || name === 'sed') return { class: 'safe', reason: 'reads only' };
  return { class: 'unknown', reason: 'not a command known to be safe' };
}

function classifyGit(args: readonly string[]): CommandClassification {
  // Skip global options (`-C dir`, `-c key=value`, `--no-pager`) to the subcommand.
  let index = 0;
  while (index < args.length && (args[index] ?? '').startsWith('-')) index += args[index] === '-C' || args[index] === '-c' ? 2 : 1;
  const sub = args[index] ?? '';
  const rest = args.slice(index + 1);
  if (args.slice(0, index).some((arg) => arg === '-c')) return { class: 'dangerous', reason: 'git with configuration overrides' };
  if (GIT_DANGEROUS.has(sub)) return { class: 'dangerous', reason: `git ${sub} changes history, refs or configuration` };
  if (sub === 'commit' && rest.some((arg) => arg === '--amend')) return { class: 'dangerous', reason: 'git commit --amend rewrites history' };
  if ((sub === 'checkout' || sub === 'restore' || sub === 'switch') && rest.some((arg) => arg === '--' || arg === '.' || arg === '-f' || arg === '--force' || arg === '--hard')) {
    return { class: 'dangerous', reason: `git ${sub} discards changes` };
  }
  if (sub === 'branch' && rest.some((arg) => /^-[a-zA-Z]*[dDmMfc]/.test(arg) || ['--delete', '--move', '--force', '--copy'].includes(arg))) return { class: 'dangerous', reason: 'git branch changes refs' };
  if (sub === 'tag' && rest.some((arg) => arg === '-d' || arg === '--delete' || arg === '-f' || arg === '--force')) return { class: 'dangerous', reason: 'git tag changes refs' };
  if (sub === 'stash' && ['drop', 'clear'].includes(rest[0] ?? '')) return { class: 'dangerous', reason: 'git stash drops work' };
  if (GIT_READ_ONLY.has(sub) || (sub === 'branch' && rest.length === 0)) return { class: 'safe', reason: 'reads only' };
  return { class: 'unknown', reason: `git ${sub || '(no subcommand)'}` };
}

/**
 * What `policy` says about a command: run, ask a person, or refuse. `failedBefore`: a command
 * of this loop has failed (for `on-failure`).
 */
export function commandGate(
  classification: CommandClassification,
  allowlisted: boolean,
  policy: CommandApprovalPolicy,
  failedBefore: boolean,
): CommandGate {
  const { class: kind } = classification;
  switch (policy) {
    case 'never':
      return allowlisted ? 'run' : 'refuse';
    case 'on-request':
      return kind !== 'dangerous' && (allowlisted || kind === 'safe') ? 'run' : 'ask';
    case 'on-failure':
      if (allowlisted) return 'run';
      return failedBefore ? 'ask' : 'refuse';
    case 'untrusted':
      return kind === 'safe' ? 'run' : 'ask';
  }
}

/** The key under which "approve this command for the rest of the issue" remembers an argv. */
export function commandKey(argv: readonly string[]): string {
  return JSON.stringify(argv);
}
