import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type EgressDecision, type EgressProxy, type EgressProxyOptions, isHostAllowed, parseAllowedHost, startEgressProxy } from '../../src/sandbox/egress-proxy';

/** The egress proxy and bridge on real sockets: a UNIX socket in a temp dir, servers on 127.0.0.1. */

const BRIDGE = path.resolve(__dirname, '../../src/sandbox/egress-bridge.cjs');

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (server instanceof http.Server) server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A port nothing listens on (briefly bound, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

/**
 * Everything received until the socket closes. A reset after the data counts as the end: a
 * server that answers before reading the whole request (431) resets the connection.
 */
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function openConnections(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

function readAll(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
  });
}

/** Sends raw bytes to the proxy and returns everything it answers until it closes. */
function exchange(socketPath: string, request: string): Promise<string> {
  const socket = net.connect(socketPath);
  socket.write(request);
  return readAll(socket);
}

/** Opens a CONNECT tunnel; resolves with the response head and the socket positioned after it. */
function connectTunnel(socketPath: string, authority: string): Promise<{ head: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const rest = buffered.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve({ head: buffered.subarray(0, end).toString('latin1'), socket });
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

function proxyRequest(
  socketPath: string,
  options: { method?: string; path: string; headers?: http.OutgoingHttpHeaders; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

interface BridgeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBridge(args: string[], env: NodeJS.ProcessEnv): Promise<BridgeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BRIDGE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('egress proxy', () => {
  let dir: string;
  let upstream: http.Server;
  let upstreamPort: number;
  let upstreamConnections: number;
  let proxies: EgressProxy[];

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        res.setHeader('X-Upstream', 'yes');
        res.setHeader('Proxy-Authenticate', 'Basic realm="must not reach the client"');
        res.end(
          JSON.stringify({
            method: req.method,
            url: req.url,
            host: req.headers.host,
            proxyAuthorization: req.headers['proxy-authorization'] ?? null,
            proxyConnection: req.headers['proxy-connection'] ?? null,
            custom: req.headers['x-custom'] ?? null,
            body,
          }),
        );
      });
    });
    upstream.on('connection', () => upstreamConnections++);
    upstreamPort = await listen(upstream);
  });
  afterAll(async () => {
    await closeServer(upstream);
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-proxy-'));
    proxies = [];
    upstreamConnections = 0;
  });
  afterEach(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const names: Record<string, string[]> = { 'registry.test': ['127.0.0.1'], 'a.wild.test': ['127.0.0.1'], 'deep.a.wild.test': ['127.0.0.1'], 'wild.test': ['127.0.0.1'] };

  async function start(
    overrides: Partial<EgressProxyOptions> = {},
  ): Promise<{ proxy: EgressProxy; decisions: EgressDecision[]; lookups: string[] }> {
    const decisions: EgressDecision[] = [];
    const lookups: string[] = [];
    const proxy = await startEgressProxy({
      socketPath: path.join(dir, `proxy-${proxies.length}.sock`),
      allowedHosts: [`registry.test:${upstreamPort}`],
      allowPrivateAddresses: true,
      onDecision: (decision) => decisions.push(decision),
      resolve: (host) => {
        lookups.push(host);
        const addresses = names[host];
        return addresses ? Promise.resolve(addresses) : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
      },
      ...overrides,
    });
    proxies.push(proxy);
    return { proxy, decisions, lookups };
  }

  async function getThroughTunnel(socketPath: string, authority: string, requestPath: string): Promise<{ head: string; response: string }> {
    const { head, socket } = await connectTunnel(socketPath, authority);
    if (!head.startsWith('HTTP/1.1 200')) {
      socket.destroy();
      return { head, response: '' };
    }
    socket.write(`GET ${requestPath} HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`);
    return { head, response: await readAll(socket) };
  }

  describe('CONNECT', () => {
    it('tunnels to an allowed host at the address it resolved, and reports the decision', async () => {
      const { proxy, decisions, lookups } = await start();
      const { head, response } = await getThroughTunnel(proxy.socketPath, `registry.test:${upstreamPort}`, '/through-tunnel');

      expect(head).toBe('HTTP/1.1 200 Connection Established');
      expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(response).toContain('"url":"/through-tunnel"');
      expect(lookups).toEqual(['registry.test']);
      expect(decisions).toEqual([
        { host: 'registry.test', port: upstreamPort, allowed: true, kind: 'connect', reason: `connected to 127.0.0.1:${upstreamPort}`, at: expect.any(String) },
      ]);
      expect(new Date(decisions[0]?.at ?? '').toISOString()).toBe(decisions[0]?.at);
    });

    it('forwards bytes the client sent right behind the CONNECT head', async () => {
      const { proxy } = await start();
      const authority = `registry.test:${upstreamPort}`;
      const text = await exchange(
        proxy.socketPath,
        `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\nGET /eager HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`,
      );
      expect(text).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
      expect(text).toContain('"url":"/eager"');
    });

    it('refuses a host that is not listed with 403, without resolving or connecting', async () => {
      const { proxy, decisions, lookups } = await start();
      const text = await exchange(proxy.socketPath, `CONNECT other.test:${upstreamPort} HTTP/1.1\r\nHost: other.test\r\n\r\n`);

      expect(text).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(text).toContain(`other.test:${upstreamPort} is not in settings.sandbox.allowedHosts`);
      expect(lookups).toEqual([]);
      expect(upstreamConnections).toBe(0);
      expect(decisions).toEqual([{ host: 'other.test', port: upstreamPort, allowed: false, kind: 'connect', reason: 'not in allowedHosts', at: expect.any(String) }]);
    });

    it('refuses an allowed name that resolves to loopback unless private addresses are allowed', async () => {
      const { proxy, decisions } = await start({ allowPrivateAddresses: false });
      const text = await exchange(proxy.socketPath, `CONNECT registry.test:${upstreamPort} HTTP/1.1\r\n\r\n`);

      expect(text).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(text).toContain('registry.test resolves to 127.0.0.1, a loopback address');
      expect(upstreamConnections).toBe(0);
      expect(decisions).toMatchObject([{ host: 'registry.test', allowed: false, reason: 'resolves to loopback address 127.0.0.1' }]);
    });

    it('refuses a listed IP literal in a private range unless private addresses are allowed', async () => {
      const { proxy, decisions, lookups } = await start({ allowPrivateAddresses: false, allowedHosts: [`127.0.0.1:${upstreamPort}`] });
      const text = await exchange(proxy.socketPath, `CONNECT 127.0.0.1:${upstreamPort} HTTP/1.1\r\n\r\n`);
      expect(text).toMatch(/^HTTP\/1\.1 403 /);
      expect(lookups).toEqual([]);
      expect(decisions).toMatchObject([{ host: '127.0.0.1', allowed: false, reason: 'resolves to loopback address 127.0.0.1' }]);
    });

    it.each([
      ['10.1.2.3', 'private'],
      ['172.31.255.1', 'private'],
      ['192.168.0.10', 'private'],
      ['169.254.169.254', 'link-local'],
      ['100.64.0.1', 'shared (CGNAT)'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fd12:3456::1', 'unique-local'],
      ['fe80::1', 'link-local'],
      ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:a9fe:a9fe', 'link-local'],
      ['64:ff9b::10.0.0.1', 'private'],
      ['2002:c0a8:0101::1', 'private'],
      ['::ffff:0:7f00:1', 'loopback'],
      ['64:ff9b:1::a00:1', 'local-use NAT64'],
      ['192.0.0.8', 'IETF protocol assignments'],
      ['198.18.0.1', 'benchmarking'],
    ])('refuses a name resolving to %s (%s)', async (address, kind) => {
      const { proxy, decisions } = await start({ allowPrivateAddresses: false, resolve: () => Promise.resolve(['93.184.215.14', address]) });
      const text = await exchange(proxy.socketPath, `CONNECT registry.test:${upstreamPort} HTTP/1.1\r\n\r\n`);
      expect(text).toMatch(/^HTTP\/1\.1 403 /);
      expect(decisions).toMatchObject([{ allowed: false, reason: `resolves to ${kind} address ${address}` }]);
    });

    it('matches a wildcard entry on subdomains, not on the apex', async () => {
      const { proxy, decisions } = await start({ allowedHosts: [`*.wild.test:${upstreamPort}`] });
      const sub = await getThroughTunnel(proxy.socketPath, `a.wild.test:${upstreamPort}`, '/sub');
      const deep = await getThroughTunnel(proxy.socketPath, `Deep.A.Wild.Test.:${upstreamPort}`, '/deep');
      const apex = await getThroughTunnel(proxy.socketPath, `wild.test:${upstreamPort}`, '/apex');

      expect(sub.response).toContain('"url":"/sub"');
      expect(deep.response).toContain('"url":"/deep"');
      expect(apex.head).toMatch(/^HTTP\/1\.1 403 /);
      expect(decisions.map((d) => [d.host, d.allowed])).toEqual([
        ['a.wild.test', true],
        ['deep.a.wild.test', true],
        ['wild.test', false],
      ]);
    });

    it('refuses a port that is not listed (an entry without a port allows only 80 and 443)', async () => {
      const { proxy, decisions } = await start({ allowedHosts: ['registry.test', `registry.test:${upstreamPort + 1}`] });
      const text = await exchange(proxy.socketPath, `CONNECT registry.test:${upstreamPort} HTTP/1.1\r\n\r\n`);
      expect(text).toMatch(/^HTTP\/1\.1 403 /);
      expect(text).toContain('only ports 80 and 443');
      expect(upstreamConnections).toBe(0);
      expect(decisions).toMatchObject([{ host: 'registry.test', port: upstreamPort, allowed: false }]);
    });

    it('answers 502 when an allowed host is unreachable or cannot be resolved', async () => {
      const closedPort = await freePort();
      const { proxy, decisions } = await start({ allowedHosts: [`registry.test:${closedPort}`, `missing.test:${closedPort}`] });

      const refused = await exchange(proxy.socketPath, `CONNECT registry.test:${closedPort} HTTP/1.1\r\n\r\n`);
      const unresolved = await exchange(proxy.socketPath, `CONNECT missing.test:${closedPort} HTTP/1.1\r\n\r\n`);

      expect(refused).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
      expect(refused).toContain('ECONNREFUSED');
      expect(unresolved).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
      expect(decisions).toMatchObject([
        { host: 'registry.test', allowed: true, reason: expect.stringMatching(/^connect failed: 127\.0\.0\.1: ECONNREFUSED/) },
        { host: 'missing.test', allowed: false, reason: expect.stringContaining('could not resolve: ENOTFOUND') },
      ]);
    });

    it('answers 400 to a CONNECT without a port, and reports no decision', async () => {
      const { proxy, decisions } = await start();
      expect(await exchange(proxy.socketPath, 'CONNECT registry.test HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
      expect(decisions).toEqual([]);
    });
  });

  describe('plain HTTP', () => {
    it('forwards an absolute-URI request to an allowed host without Proxy-* and hop-by-hop headers', async () => {
      const { proxy, decisions } = await start();
      const res = await proxyRequest(proxy.socketPath, {
        method: 'POST',
        path: `http://registry.test:${upstreamPort}/publish?tag=next`,
        headers: { 'Proxy-Authorization': 'Basic c2VjcmV0', 'Proxy-Connection': 'keep-alive', 'X-Custom': 'kept', 'Content-Type': 'text/plain' },
        body: 'payload',
      });

      expect(res.status).toBe(200);
      expect(res.headers['x-upstream']).toBe('yes');
      expect(res.headers['proxy-authenticate']).toBeUndefined();
      expect(JSON.parse(res.body)).toEqual({
        method: 'POST',
        url: '/publish?tag=next',
        host: `registry.test:${upstreamPort}`,
        proxyAuthorization: null,
        proxyConnection: null,
        custom: 'kept',
        body: 'payload',
      });
      expect(decisions).toMatchObject([{ host: 'registry.test', port: upstreamPort, allowed: true, kind: 'http' }]);
    });

    it('streams a chunked request body through', async () => {
      const { proxy } = await start();
      const res = await new Promise<string>((resolve, reject) => {
        const req = http.request({ socketPath: proxy.socketPath, method: 'PUT', path: `http://registry.test:${upstreamPort}/chunked`, agent: false }, (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.write('one,');
        setTimeout(() => req.end('two'), 20);
      });
      expect(JSON.parse(res)).toMatchObject({ method: 'PUT', url: '/chunked', body: 'one,two' });
    });

    it('refuses a request to a host that is not listed with 403', async () => {
      const { proxy, decisions } = await start();
      const res = await proxyRequest(proxy.socketPath, { path: `http://other.test:${upstreamPort}/` });
      expect(res.status).toBe(403);
      expect(res.body).toContain('other.test');
      expect(res.body).toContain('settings.sandbox.allowedHosts');
      expect(upstreamConnections).toBe(0);
      expect(decisions).toMatchObject([{ host: 'other.test', allowed: false, kind: 'http' }]);
    });

    it.each([
      ['an origin-form request', 'GET /local HTTP/1.1\r\nHost: registry.test\r\n\r\n', 400],
      ['an https:// absolute URI', 'GET https://registry.test/ HTTP/1.1\r\nHost: registry.test\r\n\r\n', 400],
      ['a URI with user information', 'GET http://user@registry.test/ HTTP/1.1\r\n\r\n', 400],
      ['garbage', 'hello there\r\n\r\n', 400],
      ['an oversized head', `GET http://registry.test/ HTTP/1.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`, 431],
    ])('answers %s with an error status and no decision', async (_label, request, status) => {
      const { proxy, decisions } = await start();
      const text = await exchange(proxy.socketPath, request);
      expect(text).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(decisions).toEqual([]);
      expect(upstreamConnections).toBe(0);
    });
  });

  describe('lifecycle', () => {
    it('close() destroys open tunnels and removes the socket file', async () => {
      const { proxy } = await start();
      const { head, socket } = await connectTunnel(proxy.socketPath, `registry.test:${upstreamPort}`);
      expect(head).toBe('HTTP/1.1 200 Connection Established');
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => undefined);

      await proxy.close();
      await closed;
      expect(fs.existsSync(proxy.socketPath)).toBe(false);
      await expect(proxy.close()).resolves.toBeUndefined();
    });

    it('rejects an invalid allowlist entry at start', async () => {
      await expect(start({ allowedHosts: ['https://registry.npmjs.org'] })).rejects.toThrow(/has a scheme/);
    });

    it('drops the upstream connection of a client that left while it was being set up', async () => {
      let lookedUp: () => void = () => undefined;
      const lookupStarted = new Promise<void>((resolve) => (lookedUp = resolve));
      let release: (addresses: string[]) => void = () => undefined;
      const { proxy, decisions } = await start({
        resolve: () =>
          new Promise((resolve) => {
            release = resolve;
            lookedUp();
          }),
      });
      const socket = net.connect(proxy.socketPath);
      socket.write(`CONNECT registry.test:${upstreamPort} HTTP/1.1\r\n\r\n`);
      await lookupStarted;
      socket.destroy();
      release(['127.0.0.1']);

      await waitFor(() => decisions.length === 1 && upstreamConnections === 1);
      await waitFor(async () => (await openConnections(upstream)) === 0);
      const { head } = await connectTunnel(proxy.socketPath, `127.0.0.1:${upstreamPort}`);
      expect(head).toMatch(/^HTTP\/1\.1 403 /);
    });
  });

  describe('bridge', () => {
    it('runs the command with the exit code it ends with, and carries its connections to the proxy', async () => {
      const { proxy, decisions } = await start();
      const port = await freePort();
      const authority = `registry.test:${upstreamPort}`;
      const script = `
        const net = require('node:net');
        const proxy = new URL(process.env.HTTPS_PROXY);
        const socket = net.connect(Number(proxy.port), proxy.hostname);
        socket.write(${JSON.stringify(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\nGET /via-bridge HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`)});
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => { process.stdout.write(text); process.exit(3); });
        socket.on('error', (error) => { console.error(error.message); process.exit(9); });
      `;
      const result = await runBridge([proxy.socketPath, String(port), '--', process.execPath, '-e', script], {
        PATH: process.env.PATH,
        HTTPS_PROXY: `http://127.0.0.1:${port}`,
      });

      expect(result.stderr).toBe('');
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
      expect(result.stdout).toContain('"url":"/via-bridge"');
      expect(decisions).toMatchObject([{ host: 'registry.test', allowed: true, kind: 'connect' }]);
    });

    it('exits with 128 + the signal number when a signal ends the command', async () => {
      const { proxy } = await start();
      const result = await runBridge([proxy.socketPath, String(await freePort()), '--', process.execPath, '-e', "process.kill(process.pid, 'SIGTERM')"], {
        PATH: process.env.PATH,
      });
      expect(result.code).toBe(128 + os.constants.signals.SIGTERM);
    });

    it('exits 127 when the command cannot be spawned, and 125 on bad usage', async () => {
      const missing = await runBridge([path.join(dir, 'proxy.sock'), String(await freePort()), '--', path.join(dir, 'no-such-command')], { PATH: process.env.PATH });
      expect(missing.code).toBe(127);
      expect(missing.stderr).toContain('cannot run');

      const usage = await runBridge([path.join(dir, 'proxy.sock'), 'not-a-port', '--', 'true'], { PATH: process.env.PATH });
      expect(usage.code).toBe(125);
      expect(usage.stderr).toContain('usage:');
    });
  });
});

describe('parseAllowedHost', () => {
  it.each([
    ['registry.npmjs.org', { pattern: 'registry.npmjs.org' }],
    ['Registry.NPMjs.org.', { pattern: 'registry.npmjs.org' }],
    ['*.example.com', { pattern: '*.example.com' }],
    ['example.com:8443', { pattern: 'example.com', port: 8443 }],
    ['10.0.0.5:3128', { pattern: '10.0.0.5', port: 3128 }],
    ['[2001:DB8::1]:443', { pattern: '2001:db8::1', port: 443 }],
    ['2001:db8:0:0::1', { pattern: '2001:db8::1' }],
  ])('accepts %s', (entry, expected) => {
    expect(parseAllowedHost(entry)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['https://registry.npmjs.org', /scheme/],
    ['registry.npmjs.org/path', /path/],
    ['registry .npmjs.org', /whitespace/],
    ['*', /every host/],
    ['*:443', /every host/],
    ['*.com', /too broad/],
    ['foo.*.com', /wildcard/],
    ['*.10.0.0.1', /valid host name|wildcard/],
    ['example.com:0', /invalid port/],
    ['example.com:65536', /invalid port/],
    ['example.com:', /invalid port/],
    ['example.com:http', /invalid port/],
    ['user@example.com', /user information/],
    ['exa_mple..com', /not a valid host name/],
    ['[not-an-ip]:443', /IPv6/],
  ])('rejects %j', (entry, message) => {
    expect(() => parseAllowedHost(entry)).toThrow(message);
  });
});

describe('isHostAllowed', () => {
  const allowlist = ['registry.npmjs.org', '*.example.com', 'pypi.test:8443', '10.0.0.5', '[2001:db8::1]:443', 'not a valid entry'];

  it.each([
    ['registry.npmjs.org', 443, true],
    ['REGISTRY.npmjs.org.', 80, true],
    ['registry.npmjs.org', 8080, false],
    ['npmjs.org', 443, false],
    ['evilregistry.npmjs.org', 443, false],
    ['registry.npmjs.org.evil.test', 443, false],
    ['a.example.com', 443, true],
    ['a.b.example.com', 80, true],
    ['example.com', 443, false],
    ['badexample.com', 443, false],
    ['pypi.test', 8443, true],
    ['pypi.test', 443, false],
    ['10.0.0.5', 443, true],
    ['10.0.0.6', 443, false],
    ['2001:db8:0::1', 443, true],
    ['[2001:db8::1]', 443, true],
    ['2001:db8::1', 80, false],
    ['not a valid entry', 443, false],
    ['', 443, false],
  ])('%s:%d → %s', (host, port, expected) => {
    expect(isHostAllowed(host, port, allowlist)).toBe(expected);
  });

  it('does not let a wildcard match an IP address', () => {
    expect(isHostAllowed('10.0.0.1', 443, ['*.0.0.1'])).toBe(false);
  });
});
