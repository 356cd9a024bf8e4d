import net from 'node:net';
import { type DatabaseHandle, openDatabase } from '../../src/db/client';
import { testEnv } from './env';

/**
 * A TCP proxy in front of a real dependency (PostgreSQL, the Temporal frontend) that a test
 * can cut — every open connection reset and the port refusing new ones, as when the
 * dependency's host goes down — and restore on the same port.
 */
export interface FaultProxy {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  let server = makeServer();
  function makeServer() {
    return net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      track(client);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
  }
  const listen = (port: number) => new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  const port = await listen(0);
  const stop = async () => {
    for (const socket of sockets) socket.resetAndDestroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    cut: stop,
    async restore() {
      server = makeServer();
      await listen(port);
    },
    async close() {
      if (server.listening) await stop();
    },
  };
}

/** The tests' PostgreSQL behind a fault proxy, and a connection through it. */
export async function proxiedTestDatabase(options: { poolSize: number }): Promise<{ proxy: FaultProxy; db: DatabaseHandle }> {
  const databaseUrl = new URL(testEnv('databaseUrl'));
  const proxy = await startFaultProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) });
  const proxiedUrl = new URL(databaseUrl);
  proxiedUrl.hostname = '127.0.0.1';
  proxiedUrl.port = String(proxy.port);
  const db = await openDatabase({ url: proxiedUrl.toString(), pgliteDir: '', poolSize: options.poolSize, connectTimeoutSeconds: 2 });
  return { proxy, db };
}
