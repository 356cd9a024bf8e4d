/** A command line the CLIs cannot read: an unknown option, or one without its value. */
export class FlagError extends Error {}

/**
 * `--name value` flags anywhere among `args` (only `known` names) and `--name` switches (only
 * `switches`, read as 'true'); the rest stay positional, in order.
 */
export function parseFlags(args: string[], known: readonly string[], switches: readonly string[] = []): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (switches.includes(name)) {
      flags[name] = 'true';
      continue;
    }
    const value = args[i + 1];
    if (!known.includes(name) || value === undefined) throw new FlagError(`unknown or incomplete option ${arg}`);
    flags[name] = value;
    i += 1;
  }
  return { positional, flags };
}
