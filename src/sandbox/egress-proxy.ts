import dns from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { restrictedAddressKind } from '../net/address-classes';

/**
 * The filtering egress proxy for sandboxed commands. The sandbox has its own network
 * namespace with only loopback; its one way out is this proxy, which runs in the worker
 * process and listens on a UNIX socket that is bind-mounted into the sandbox (where
 * egress-bridge.cjs exposes it on 127.0.0.1:<port>). It admits a connection only when the
 * host is in the organization's allowlist and, unless allowPrivateAddresses, every address
 * the host resolves to is public — so an allowed name cannot be pointed at the worker's own
 * loopback or private-network services. It connects to the address it checked, never
 * resolving the name a second time.
 *
 * Anyone who can open the socket can use the proxy: put it in a directory only the worker
 * and the sandbox can reach.
 */

export interface EgressDecision {
  /** Lower-case, without a trailing dot or IPv6 brackets. */
  host: string;
  port: number;
  /**
   * True when policy admitted the destination (listed, and resolved to permitted addresses);
   * `reason` then also says whether the connection itself succeeded. False when refused,
   * including when the name could not be resolved (its addresses could not be checked).
   */
  allowed: boolean;
  kind: 'connect' | 'http';
  reason: string;
  /** ISO 8601 time of the decision. */
  at: string;
}

export interface EgressProxyOptions {
  /** UNIX socket to listen on; it must not exist yet. Removed on close. */
  socketPath: string;
  /**
   * "registry.npmjs.org", "*.example.com" (any subdomain, not the apex), optionally with a
   * ":port" suffix ("example.com:8443", "[2001:db8::1]:8443"); without one only ports 80
   * and 443 are allowed. Validated with parseAllowedHost: startEgressProxy rejects bad entries.
   */
  allowedHosts: string[];
  /**
   * Default false: refuse hosts that resolve to loopback, private (RFC 1918), link-local,
   * CGNAT (100.64/10), unique-local (fc00::/7), unspecified, multicast or reserved addresses,
   * or IPv6 forms embedding one of those (IPv4-mapped, -compatible, NAT64, 6to4).
   */
  allowPrivateAddresses?: boolean;
  /**
   * Called exactly once for every CONNECT and absolute-form request that names a host:port,
   * allowed or refused. Requests too malformed to name one get a 400 and no decision.
   * Exceptions it throws are ignored: auditing must not break the proxy.
   */
  onDecision(decision: EgressDecision): void;
  /** Resolves a name to IP addresses; defaults to dns.lookup with `all: true`. */
  resolve?: (host: string) => Promise<string[]>;
}

export interface EgressProxy {
  socketPath: string;
  /** Stops listening and destroys every open connection and tunnel. Idempotent. */
  close(): Promise<void>;
}

/** Bounds the request line plus headers of every request the proxy reads. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Bounds name resolution and, separately, establishing the upstream connection. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A tunnel or forwarded exchange with no traffic either way for this long is torn down. */
const IDLE_TIMEOUT_MS = 5 * 60_000;
/** A client must finish sending a request head within this long. */
const HEAD_TIMEOUT_MS = 30_000;

const PORT_TEXT = /^\d{1,5}$/;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Parses one allowlist entry. Throws an Error saying what is wrong with it, so settings
 * validation can show the message as is.
 */
export function parseAllowedHost(entry: string): { pattern: string; port?: number } {
  const quoted = JSON.stringify(entry);
  if (typeof entry !== 'string' || entry.trim() === '') throw new Error('allowed host entry is empty');
  if (/\s/.test(entry)) throw new Error(`allowed host ${quoted} contains whitespace`);
  if (entry.includes('://')) throw new Error(`allowed host ${quoted} has a scheme: write the host only, e.g. "registry.npmjs.org"`);
  if (/[/?#\\]/.test(entry)) throw new Error(`allowed host ${quoted} has a path: write the host only, e.g. "registry.npmjs.org"`);
  if (entry.includes('@')) throw new Error(`allowed host ${quoted} has user information: write the host only`);

  let hostText = entry;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const match = /^\[([^\]]*)\](?::(.*))?$/.exec(entry);
    if (!match || !net.isIPv6(match[1] ?? '')) throw new Error(`allowed host ${quoted} is not a valid bracketed IPv6 address`);
    hostText = match[1] as string;
    portText = match[2];
  } else if (net.isIPv6(entry)) {
    hostText = entry;
  } else {
    const colon = entry.lastIndexOf(':');
    if (colon >= 0) {
      hostText = entry.slice(0, colon);
      portText = entry.slice(colon + 1);
      if (hostText.includes(':')) throw new Error(`allowed host ${quoted} is malformed: write an IPv6 address with a port as "[2001:db8::1]:443"`);
    }
  }

  let port: number | undefined;
  if (portText !== undefined) {
    port = PORT_TEXT.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) throw new Error(`allowed host ${quoted} has an invalid port ${JSON.stringify(portText)} (expected 1-65535)`);
  }

  const host = hostText.toLowerCase().replace(/\.$/, '');
  if (host === '*') throw new Error(`allowed host ${quoted} would allow every host: list the hosts instead`);
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  if (name.includes('*')) throw new Error(`allowed host ${quoted} is malformed: the only wildcard is a leading "*." ("*.example.com")`);
  if (net.isIP(name) !== 0) {
    if (wildcard) throw new Error(`allowed host ${quoted} puts a wildcard on an IP address`);
    return withPort(canonicalIp(name), port);
  }
  if (!isHostname(name)) throw new Error(`allowed host ${quoted} is not a valid host name`);
  // "*.com" would open a whole top-level domain.
  if (wildcard && !name.includes('.')) throw new Error(`allowed host ${quoted} is too broad: a wildcard needs at least two labels after "*." ("*.example.com")`);
  return withPort(wildcard ? `*.${name}` : name, port);
}

/**
 * Whether the allowlist admits host:port. Case-insensitive, a trailing dot is ignored, IPv6
 * brackets are optional. Wildcards match names only, so an IP address is allowed only when
 * listed itself. Entries that parseAllowedHost rejects match nothing.
 */
export function isHostAllowed(host: string, port: number, allowedHosts: string[]): boolean {
  return matchesAllowlist(host, port, parseAllowlist(allowedHosts, false));
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const allowlist = parseAllowlist(options.allowedHosts, true);
  const resolve = options.resolve ?? lookupAll;
  const allowPrivate = options.allowPrivateAddresses ?? false;
  const sockets = new Set<Duplex>();
  let closed = false;

  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Errors surface as 'close' (net sockets destroy themselves on error); without a
    // listener an 'error' event would crash the worker.
    socket.on('error', () => undefined);
  };

  const report = (decision: Omit<EgressDecision, 'at'>): void => {
    try {
      options.onDecision({ ...decision, at: new Date().toISOString() });
    } catch {
      // See EgressProxyOptions.onDecision.
    }
  };

  /**
   * Applies the policy to host:port and, when it admits it, connects to a checked address.
   * Reports the decision once, after the outcome is known. Never rejects.
   */
  const open = async (host: string, port: number, kind: EgressDecision['kind']): Promise<Outcome> => {
    const refuse = (status: 403 | 502, reason: string, message: string): Outcome => {
      report({ host, port, allowed: false, kind, reason });
      return { ok: false, status, message };
    };
    if (!matchesAllowlist(host, port, allowlist)) {
      return refuse(
        403,
        'not in allowedHosts',
        `${formatTarget(host, port)} is not in settings.sandbox.allowedHosts, so the sandbox may not connect to it` +
          ' (an entry without a port allows only ports 80 and 443).',
      );
    }

    let addresses: string[];
    try {
      addresses = net.isIP(host) !== 0 ? [host] : await withTimeout(resolve(host), CONNECT_TIMEOUT_MS, `resolving ${host}`);
    } catch (error) {
      const detail = errorDetail(error);
      return refuse(502, `could not resolve: ${detail}`, `Could not resolve ${host}: ${detail}.`);
    }
    if (addresses.length === 0 || addresses.some((address) => net.isIP(address) === 0)) {
      return refuse(502, 'resolved to no usable address', `Could not resolve ${host} to an IP address.`);
    }
    if (!allowPrivate) {
      // Every address is checked, not only the one used: a name that mixes public and
      // private records is refused outright.
      for (const address of addresses) {
        const kindOfAddress = restrictedAddressKind(address);
        if (kindOfAddress) {
          return refuse(
            403,
            `resolves to ${kindOfAddress} address ${address}`,
            `${host} resolves to ${address}, a ${kindOfAddress} address; the sandbox may not connect to ${kindOfAddress} addresses.`,
          );
        }
      }
    }

    const failures: string[] = [];
    for (const address of addresses) {
      if (closed) break;
      try {
        const socket = await connectTo(address, port, track, () => closed);
        report({ host, port, allowed: true, kind, reason: `connected to ${formatTarget(address, port)}` });
        return { ok: true, socket };
      } catch (error) {
        failures.push(`${address}: ${errorDetail(error)}`);
      }
    }
    const detail = closed ? 'proxy closed' : failures.join('; ');
    report({ host, port, allowed: true, kind, reason: `connect failed: ${detail}` });
    return { ok: false, status: 502, message: `Could not connect to ${formatTarget(host, port)}: ${detail}.` };
  };

  const handleConnect = async (req: http.IncomingMessage, client: Duplex, head: Buffer): Promise<void> => {
    const target = parseAuthority(req.url ?? '', false);
    if (!target) {
      client.end(textResponse(400, 'Bad Request', 'CONNECT needs a host:port target.'));
      return;
    }
    const outcome = await open(target.host, target.port, 'connect');
    if (!outcome.ok) {
      if (!client.destroyed) client.end(textResponse(outcome.status, STATUS_TEXT[outcome.status], outcome.message));
      return;
    }
    const upstream = outcome.socket;
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    tunnel(client, upstream);
  };

  const handleRequest = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const reply = (status: number, message: string): void => {
      req.resume();
      if (res.writableEnded || res.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = `${message}\n`;
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      res.end(body);
    };

    const url = req.url ?? '';
    const match = /^http:\/\/([^/?#\\]*)(.*)$/i.exec(url);
    if (!match) {
      const hint = /^https:\/\//i.test(url) ? 'use CONNECT for https' : 'send an absolute URI (GET http://host/path) or CONNECT host:port';
      reply(400, `This is a proxy: ${hint}.`);
      return;
    }
    const authority = match[1] as string;
    const rest = match[2] as string;
    const target = parseAuthority(authority, true);
    if (!target) {
      reply(400, `Bad request target host ${JSON.stringify(authority)}.`);
      return;
    }
    const outcome = await open(target.host, target.port, 'http');
    if (!outcome.ok) {
      reply(outcome.status, outcome.message);
      return;
    }
    const upstream = outcome.socket;
    if (res.destroyed || req.destroyed) {
      upstream.destroy();
      return;
    }
    idleTimeout(upstream, () => upstream.destroy());

    const headers = forwardableHeaders(req.rawHeaders);
    headers.push('Host', authority);
    // The body arrives de-chunked; asking for chunked again makes Node re-frame it.
    if (req.headers['transfer-encoding'] !== undefined) headers.push('Transfer-Encoding', 'chunked');
    let forwarded: http.ClientRequest;
    try {
      forwarded = http.request({
        createConnection: () => upstream,
        method: req.method,
        path: rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}`,
        headers,
        setHost: false,
      });
    } catch (error) {
      // Node refuses to send some header values its parser accepted.
      upstream.destroy();
      reply(400, `Cannot forward this request: ${errorDetail(error)}.`);
      return;
    }
    forwarded.on('error', (error) => reply(502, `Upstream ${formatTarget(target.host, target.port)} failed: ${errorDetail(error)}.`));
    forwarded.on('response', (upstreamRes) => {
      upstreamRes.on('error', () => res.destroy());
      try {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, forwardableHeaders(upstreamRes.rawHeaders));
      } catch {
        // An event handler must not throw: that would take the worker down.
        upstreamRes.destroy();
        res.destroy();
        return;
      }
      upstreamRes.pipe(res);
    });
    res.on('close', () => {
      if (!res.writableFinished) forwarded.destroy();
    });
    req.pipe(forwarded);
  };

  const server = http.createServer({ maxHeaderSize: MAX_HEAD_BYTES, headersTimeout: HEAD_TIMEOUT_MS, requestTimeout: 0 });
  // Idle HTTP connections are closed after IDLE_TIMEOUT_MS; tunnels set their own timers.
  server.setTimeout(IDLE_TIMEOUT_MS);
  // Malformed or oversized heads are answered by Node's default clientError handling
  // (400, 431 or 408, then the socket is destroyed).
  server.on('connection', (socket: net.Socket) => track(socket));
  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    void handleConnect(req, client, head).catch(() => client.destroy());
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    void handleRequest(req, res).catch(() => res.destroy());
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.socketPath, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  // After listening, errors are failed accepts (EMFILE and the like): the client sees its
  // connection refused; the worker carries on.
  server.on('error', () => undefined);

  let closing: Promise<void> | undefined;
  return {
    socketPath: options.socketPath,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        closed = true;
        // Closing a listening UNIX socket server unlinks the socket file.
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

type Outcome = { ok: true; socket: net.Socket } | { ok: false; status: 403 | 502; message: string };

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway' };

interface AllowlistEntry {
  pattern: string;
  port?: number;
}

function parseAllowlist(entries: string[], strict: boolean): AllowlistEntry[] {
  const parsed: AllowlistEntry[] = [];
  for (const entry of entries) {
    try {
      parsed.push(parseAllowedHost(entry));
    } catch (error) {
      if (strict) throw error;
    }
  }
  return parsed;
}

function matchesAllowlist(host: string, port: number, allowlist: AllowlistEntry[]): boolean {
  const name = normalizeHost(host);
  if (name === undefined) return false;
  const isIp = net.isIP(name) !== 0;
  return allowlist.some((entry) => {
    const portAllowed = entry.port === undefined ? port === 80 || port === 443 : port === entry.port;
    if (!portAllowed) return false;
    // ".example.com" as a suffix of a valid host name means a proper subdomain, never the apex.
    if (entry.pattern.startsWith('*.')) return !isIp && name.endsWith(entry.pattern.slice(1));
    return name === entry.pattern;
  });
}

/** Lower case, no trailing dot, no IPv6 brackets, IPv6 in one canonical spelling; undefined if not a host. */
function normalizeHost(host: string): string | undefined {
  let name = host.toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  else name = name.replace(/\.$/, '');
  if (net.isIP(name) !== 0) return canonicalIp(name);
  return isHostname(name) ? name : undefined;
}

function isHostname(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

function withPort(pattern: string, port: number | undefined): { pattern: string; port?: number } {
  return port === undefined ? { pattern } : { pattern, port };
}

/**
 * "host:port" or "[v6]:port" (CONNECT's authority form); with portOptional, a missing port
 * means 80 (the authority of an http:// URI). User information is not accepted.
 */
function parseAuthority(text: string, portOptional: boolean): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]@\s]+))(?::(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const host = normalizeHost(match[1] ?? match[2] ?? '');
  if (host === undefined || (match[1] !== undefined && !net.isIPv6(host))) return undefined;
  if (match[3] === undefined) return portOptional ? { host, port: 80 } : undefined;
  const port = Number(match[3]);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

function formatTarget(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

async function lookupAll(host: string): Promise<string[]> {
  const results = await dns.promises.lookup(host, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

/** Connects within CONNECT_TIMEOUT_MS; the socket is tracked from the start so close() reaches it. */
function connectTo(address: string, port: number, track: (socket: Duplex) => void, isClosed: () => boolean): Promise<net.Socket> {
  return new Promise((resolveConnect, rejectConnect) => {
    const socket = net.connect({ host: address, port });
    track(socket);
    const timer = setTimeout(() => socket.destroy(new Error(`timed out after ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    const onClose = (): void => {
      clearTimeout(timer);
      rejectConnect(socket.errored ?? new Error('connection closed'));
    };
    socket.once('close', onClose);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('close', onClose);
      if (isClosed()) {
        socket.destroy();
        rejectConnect(new Error('proxy closed'));
        return;
      }
      resolveConnect(socket);
    });
  });
}

/** Pipes both ways; either side closing or both idle for IDLE_TIMEOUT_MS tears down both. */
function tunnel(client: Duplex, upstream: net.Socket): void {
  const teardown = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.once('close', teardown);
  upstream.once('close', teardown);
  idleTimeout(client, teardown);
  idleTimeout(upstream, teardown);
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Socket timers count reads and writes, so a one-way download keeps both sides alive. */
function idleTimeout(socket: Duplex, onIdle: () => void): void {
  if (socket instanceof net.Socket) {
    socket.setTimeout(IDLE_TIMEOUT_MS);
    socket.on('timeout', onIdle);
  }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/**
 * Raw header pairs without hop-by-hop headers (RFC 9110 7.6.1, including those the
 * Connection header names), Proxy-* headers (credentials for this hop stay here) and Host
 * (the proxy sets it from the request target).
 */
function forwardableHeaders(rawHeaders: string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === 'connection') {
      for (const token of (rawHeaders[i + 1] as string).split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower) || lower.startsWith('proxy-')) continue;
    kept.push(name, rawHeaders[i + 1] as string);
  }
  return kept;
}

function textResponse(status: number, statusText: string | undefined, message: string): string {
  const body = `${message}\n`;
  return (
    `HTTP/1.1 ${status} ${statusText ?? ''}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolveTimed, rejectTimed) => {
    const timer = setTimeout(() => rejectTimed(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolveTimed(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        rejectTimed(error);
      },
    );
  });
}

/** The errno code when there is one ("ECONNREFUSED"), else the message. Not `instanceof`: errors may come from another realm. */
function errorDetail(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(error);
}

/** IPv4 as is; IPv6 in its RFC 5952 spelling, so equal addresses compare equal. */
function canonicalIp(address: string): string {
  if (!net.isIPv6(address)) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}
