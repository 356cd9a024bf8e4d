'use strict';
/* global require, process, console */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS run by node as is, no build */
/**
 * Runs inside the sandbox, whose network namespace has only loopback:
 *
 *   node egress-bridge.cjs <unixSocketPath> <listenPort> -- <argv...>
 *
 * Listens on 127.0.0.1:<listenPort> and pipes each connection to the egress proxy's UNIX
 * socket (bind-mounted from the worker), then runs argv (no shell, stdio and environment
 * inherited — the sandbox sets HTTP(S)_PROXY to this port) and exits with its exit code, or
 * 128 + the signal number if a signal ended it. Exit codes of its own: 127 when argv cannot
 * be spawned, 125 when the bridge cannot start (bad usage, port in use).
 *
 * Plain CommonJS with no dependencies: it runs straight from the source tree.
 */
const net = require('node:net');
const os = require('node:os');
const { spawn } = require('node:child_process');

const [socketPath, portText, separator, ...argv] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || separator !== '--' || argv.length === 0 || !/^\d+$/.test(portText) || port < 1 || port > 65535) {
  console.error('usage: node egress-bridge.cjs <unixSocketPath> <listenPort> -- <command> [args...]');
  process.exit(125);
}

const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  // Either side failing or closing closes both; errors must not end the bridge.
  const teardown = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.on('error', teardown);
    socket.on('close', teardown);
  }
  client.pipe(upstream);
  upstream.pipe(client);
});

server.once('error', (error) => {
  console.error(`egress-bridge: cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(125);
});

// The command starts only once the port accepts connections.
server.listen(port, '127.0.0.1', () => {
  server.on('error', () => undefined);
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
  child.on('error', (error) => {
    console.error(`egress-bridge: cannot run ${argv[0]}: ${error.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    process.exit(code !== null ? code : 128 + (os.constants.signals[signal] || 0));
  });
  // Signals sent to the bridge alone (not its process group) go on to the command.
  for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(name, () => child.kill(name));
  }
});
