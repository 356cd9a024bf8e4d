import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('needs nothing for the local run: embedded Temporal, PGlite and the fake model', () => {
    const config = loadConfig({});
    expect(config.temporal.address).toBeUndefined();
    expect(config.temporal.uiUrl).toBe('http://localhost:8233');
    expect(config.database.url).toBeUndefined();
    expect(config.database.pgliteDir).toBe(path.resolve('.data', 'pglite'));
    expect(config.llm.mode).toBe('fake');
    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1', publicBaseUrl: 'http://127.0.0.1:3000' });
    expect(config.temporal.tls).toBe(false);
  });

  it('uses the real API when a key is set, with model names per tier', () => {
    const config = loadConfig({ ANTHROPIC_API_KEY: 'sk-test', MODEL_LARGE: 'claude-opus-x' });
    expect(config.llm.mode).toBe('anthropic');
    expect(config.llm.models.large).toBe('claude-opus-x');
    expect(config.llm.models.small).toBe('claude-haiku-4-5');
  });

  it('turns TLS on for a Temporal Cloud API key', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key' });
    expect(config.temporal.tls).toEqual(expect.objectContaining({}));
    expect(config.temporal.apiKey).toBe('key');
    expect(config.temporal.uiUrl).toBeUndefined();
  });

  it('versions workers only when a build id is given, and refuses ids that could reach a visibility query', () => {
    expect(loadConfig({}).temporal.deployment).toEqual({ name: 'agent-orchestrator', buildId: undefined });
    expect(loadConfig({ WORKER_BUILD_ID: 'auto', WORKER_DEPLOYMENT_NAME: 'billing-workers' }).temporal.deployment).toEqual({ name: 'billing-workers', buildId: 'auto' });
    expect(loadConfig({ WORKER_BUILD_ID: '2026-12-04_a1' }).temporal.deployment.buildId).toBe('2026-12-04_a1');
    expect(loadConfig({ WORKER_BUILD_ID: ' ' }).temporal.deployment.buildId).toBeUndefined();
    for (const bad of [{ WORKER_BUILD_ID: "v1' OR 1=1" }, { WORKER_BUILD_ID: 'x'.repeat(65) }, { WORKER_DEPLOYMENT_NAME: 'a.b' }]) {
      expect(() => loadConfig(bad)).toThrow(ConfigError);
    }
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'http', LOG_LEVEL: 'loud', TEMPORAL_TLS_CERT_PATH: '/only/the/cert' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
  });

  it('refuses mTLS with a certificate but no key', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });

  it('refuses LLM_MODE=anthropic without a key or proxy URL', () => {
    expect(() => loadConfig({ LLM_MODE: 'anthropic' })).toThrow(/ANTHROPIC_API_KEY/);
    expect(loadConfig({ LLM_MODE: 'anthropic', ANTHROPIC_BASE_URL: 'http://proxy' }).llm.mode).toBe('anthropic');
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '', DATABASE_URL: '  ' });
    expect(config.temporal.address).toBeUndefined();
    expect(config.database.url).toBeUndefined();
  });

  it('reads the metrics settings, off by default, and refuses weak or malformed ones', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, workerPort: undefined, workerHost: '127.0.0.1', temporalBindAddress: undefined });
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-token', WORKER_METRICS_PORT: '9464', TEMPORAL_METRICS_BIND_ADDRESS: '0.0.0.0:9465' }).metrics).toEqual({
      token: 'a-long-enough-token',
      workerPort: 9464,
      workerHost: '127.0.0.1',
      temporalBindAddress: '0.0.0.0:9465',
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: at least 16 characters/);
    expect(() => loadConfig({ WORKER_METRICS_PORT: 'http' })).toThrow(/WORKER_METRICS_PORT/);
    expect(() => loadConfig({ TEMPORAL_METRICS_BIND_ADDRESS: '9465' })).toThrow(/TEMPORAL_METRICS_BIND_ADDRESS: host:port/);
  });
});
