import fs from 'node:fs';
import { Client, type ClientInterceptors, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config';

/**
 * Connection options for a Temporal cluster or Temporal Cloud: mTLS from files, or an API
 * key (which implies TLS). The local dev server needs neither.
 */
function tlsOptions(config: TemporalConfig) {
  if (!config.tls) return undefined;
  const read = (file: string | undefined) => (file ? fs.readFileSync(file) : undefined);
  const crt = read(config.tls.certPath);
  const key = read(config.tls.keyPath);
  return {
    serverNameOverride: config.tls.serverName,
    serverRootCACertificate: read(config.tls.caPath),
    clientCertPair: crt && key ? { crt, key } : undefined,
  };
}

/**
 * The client's retries of a failed call: 3 attempts (about half a second) instead of the
 * SDK's 10 (about 20 s). Callers of the API get a 503 quickly when Temporal is unreachable,
 * and activities that use the client fail fast into their own Temporal retry policy.
 */
export function briefGrpcRetries() {
  return [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))];
}

/** `interceptors`: the tracing's (src/telemetry/tracing.ts), when it is on. */
export async function connectClient(config: TemporalConfig, address: string, interceptors?: ClientInterceptors): Promise<Client> {
  const connection = await Connection.connect({
    address,
    tls: tlsOptions(config) ?? (config.tls ? true : undefined),
    apiKey: config.apiKey,
    interceptors: briefGrpcRetries(),
  });
  return new Client({ connection, namespace: config.namespace, ...(interceptors ? { interceptors } : {}) });
}

export async function connectWorker(config: TemporalConfig, address: string): Promise<NativeConnection> {
  return NativeConnection.connect({
    address,
    tls: tlsOptions(config) ?? (config.tls ? true : undefined),
    apiKey: config.apiKey,
  });
}
