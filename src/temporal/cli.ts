import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Finds — or builds — the `temporal` CLI that runs the local dev server.
 *
 * Order: $TEMPORAL_CLI_PATH → `temporal` on PATH → the project cache (`.data/bin`) →
 * `$(go env GOPATH)/bin` → `go install …@v1.5.1` into the project cache when Go is present.
 * Machines with internet and no Go fall back to the SDK's `cached-download` (see
 * dev-server.ts). The binary is never committed.
 */

/** v1.5.1 is the last tag whose go.mod has no `replace` directive; later tags fail under `go install`. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export type CliSource = 'env' | 'path' | 'cache' | 'gopath' | 'built';

export interface FoundCli {
  path: string;
  source: CliSource;
}

export interface FindCliOptions {
  /** TEMPORAL_CLI_PATH. */
  explicitPath?: string;
  /** Project cache directory, e.g. `.data/bin`. */
  cacheDir: string;
  /** Build with Go when nothing is found (default true). */
  allowBuild?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export class TemporalCliNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalCliNotFoundError';
  }
}

const binaryName = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 30_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.trim());
    });
  });
}

async function goBinDir(goBinary: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const gobin = await run(goBinary, ['env', 'GOBIN'], env);
    if (gobin) return gobin;
    const gopath = await run(goBinary, ['env', 'GOPATH'], env);
    return gopath ? path.join(gopath.split(path.delimiter)[0] ?? gopath, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

/** Looks without building. */
export async function locateTemporalCli(options: FindCliOptions): Promise<FoundCli | undefined> {
  const env = options.env ?? process.env;
  if (options.explicitPath) {
    if (!isExecutable(options.explicitPath)) {
      throw new TemporalCliNotFoundError(
        `TEMPORAL_CLI_PATH=${options.explicitPath} is not an executable file. Fix the path or unset it.`,
      );
    }
    return { path: options.explicitPath, source: 'env' };
  }
  const fromPath = onPath(binaryName, env);
  if (fromPath) return { path: fromPath, source: 'path' };
  const cached = path.join(options.cacheDir, binaryName);
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  const go = findGo(env);
  const home = env.HOME ?? os.homedir();
  const candidates = [go ? await goBinDir(go, env) : undefined, path.join(home, 'go', 'bin')];
  for (const dir of candidates) {
    if (dir && isExecutable(path.join(dir, binaryName))) return { path: path.join(dir, binaryName), source: 'gopath' };
  }
  return undefined;
}

/** Looks, then builds with Go into the project cache. Throws a readable error when neither works. */
export async function findOrBuildTemporalCli(options: FindCliOptions): Promise<FoundCli> {
  const found = await locateTemporalCli(options);
  if (found) return found;
  const env = options.env ?? process.env;
  const go = findGo(env);
  if (!go || options.allowBuild === false) {
    throw new TemporalCliNotFoundError(
      [
        'No Temporal CLI found (checked TEMPORAL_CLI_PATH, PATH, ' +
          `${options.cacheDir} and the Go bin directory)${go ? '' : ' and Go is not installed to build one'}.`,
        'Fix one of:',
        `  - install Go and rerun (we build it with: go install ${TEMPORAL_CLI_MODULE})`,
        '  - put a `temporal` binary on PATH or set TEMPORAL_CLI_PATH',
        '  - set TEMPORAL_ADDRESS to an existing Temporal server',
      ].join('\n'),
    );
  }
  await buildWithGo(go, options.cacheDir, env, options.log ?? (() => undefined));
  return { path: path.join(options.cacheDir, binaryName), source: 'built' };
}

async function buildWithGo(go: string, cacheDir: string, env: NodeJS.ProcessEnv, log: (message: string) => void): Promise<void> {
  log(`Building the Temporal CLI from source (go install ${TEMPORAL_CLI_MODULE}); this takes a few minutes once.`);
  const started = Date.now();
  await goInstall(go, TEMPORAL_CLI_MODULE, cacheDir, env);
  log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s → ${cacheDir}/${binaryName}`);
}

/** `go install module@version` with GOBIN = `binDir`; throws with the build's last output on failure. */
export async function goInstall(go: string, module: string, binDir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  fs.mkdirSync(binDir, { recursive: true });
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(go, ['install', module], {
      env: { ...env, GOBIN: path.resolve(binDir), GOFLAGS: env.GOFLAGS ?? '-trimpath' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    throw new TemporalCliNotFoundError(`go install ${module} failed (exit ${code}). Last output:\n${output.join('').slice(-4000)}`);
  }
}
