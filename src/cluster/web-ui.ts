import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { findGo, goInstall } from '../temporal/cli';

/**
 * The Temporal Web UI for `npm run cluster`: the UI server (github.com/temporalio/ui-server,
 * the same one the CLI's dev server embeds, with the UI's built assets inside the module),
 * built from source once with Go and run as one more supervised process, pointed at the
 * cluster's frontend. Production runs the `temporalio/ui` image instead
 * (docker-compose.temporal.yml).
 */

/** The version the Temporal CLI the tests build (v1.5.1) embeds: its module is usually in Go's cache already. */
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';
const UI_SERVER_MODULE = `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_SERVER_VERSION}`;

/** The UI server's binary, built into `cacheDir` the first time (about a minute and a half on 2 cores). */
export async function ensureWebUiBinary(cacheDir: string, log: (message: string) => void): Promise<string> {
  const binDir = path.join(cacheDir, `temporal-ui-server-${TEMPORAL_UI_SERVER_VERSION}`);
  const binary = path.join(binDir, 'server');
  if (fs.existsSync(binary)) return binary;
  const go = findGo();
  if (!go) throw new Error('building the Temporal Web UI server needs Go (https://go.dev/dl), which was not found on PATH or in /usr/local/go/bin');
  log(`building ${UI_SERVER_MODULE} (once; about a minute and a half on 2 cores)`);
  const started = Date.now();
  await goInstall(go, UI_SERVER_MODULE, binDir);
  log(`built the Web UI server in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

export interface WebUiOptions {
  /** The cluster's frontend, host:port. */
  temporalAddress: string;
  port: number;
  namespace: string;
}

/**
 * Writes the UI server's configuration (`<workDir>/web-ui/config/base.yaml`) and returns the
 * command that serves it. It listens on 127.0.0.1 only: the UI can signal, cancel and
 * terminate workflows, and has no sign-in here.
 */
export function webUiCommand(binary: string, workDir: string, options: WebUiOptions): { argv: string[]; url: string } {
  const root = path.join(workDir, 'web-ui');
  const configDir = path.join(root, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const url = `http://127.0.0.1:${options.port}`;
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    refreshInterval: '1m',
    notifyOnNewVersion: false,
    // The browser's requests come from the UI's own origin only.
    cors: { allowOrigins: [url, `http://localhost:${options.port}`], cookieInsecure: true },
  };
  fs.writeFileSync(path.join(configDir, 'base.yaml'), YAML.stringify(config));
  return { argv: [binary, '--root', root, '--config', 'config', '--env', 'cluster', 'start'], url };
}
