import path from 'node:path';
import { createStubApp } from '../support/app-stub';
import { ConfigError, loadConfig } from '../../src/config';
import { organizationSettingsSchema } from '../../src/contracts/policy';
import { createConfiguredSandbox, sandboxHealth, SandboxUnavailableError } from '../../src/sandbox';

/** How the sandbox is chosen and reported, and the settings an organization may give it. */
describe('sandbox configuration', () => {
  it('defaults to bubblewrap; SANDBOX=off is explicit and warned about', () => {
    expect(loadConfig({}).sandbox).toEqual({ mode: 'bubblewrap', bwrapPath: undefined, user: { uid: 65534, gid: 65534 }, egressAllowPrivateAddresses: false });
    expect(() => loadConfig({ SANDBOX_UID: '0' })).toThrow(/SANDBOX_UID/);
    const warnings: string[] = [];
    const sandbox = createConfiguredSandbox(loadConfig({ SANDBOX: 'off' }).sandbox, (message) => warnings.push(message));
    expect(sandbox.kind).toBe('off');
    expect(warnings.join('\n')).toMatch(/NOT isolated.*secrets/);
    expect(() => loadConfig({ SANDBOX: 'none' })).toThrow(ConfigError);
  });

  it('refuses to start without bubblewrap, and says how to install it', () => {
    const config = loadConfig({ SANDBOX_BWRAP_PATH: '/nonexistent/bwrap' }).sandbox;
    expect(() => createConfiguredSandbox(config, () => undefined)).toThrow(SandboxUnavailableError);
    expect(() => createConfiguredSandbox(config, () => undefined)).toThrow(/apt-get install -y bubblewrap.*SANDBOX=off/s);
  });

  it('starts with bubblewrap where it is installed', () => {
    const sandbox = createConfiguredSandbox(loadConfig({}).sandbox, () => undefined);
    expect(sandbox.kind).toBe('bubblewrap');
    expect(sandbox.describe().resourceControl).toMatch(/cgroup|rlimits/);
  });

  it('keeps mirrors out of the workspaces directory', () => {
    expect(() => loadConfig({ WORKSPACES_DIR: '/srv/ws', GIT_MIRRORS_DIR: '/srv/ws/mirrors' })).toThrow(/must not contain each other/);
    expect(loadConfig({ DATA_DIR: '/srv/data' }).mirrorsDir).toBe(path.resolve('/srv/data/git-mirrors'));
  });

  it('shows the mode in /health, with the warning when off', async () => {
    const health = async (mode: 'bubblewrap' | 'off') => {
      const app = createStubApp({
        health: async () => ({ database: true, temporal: true }),
        sandbox: sandboxHealth({ mode, bwrapPath: undefined, user: { uid: 65534, gid: 65534 }, egressAllowPrivateAddresses: false }),
      });
      return (await app.request('/health')).json() as Promise<Record<string, unknown>>;
    };
    expect(await health('bubblewrap')).toMatchObject({ status: 'healthy', sandbox: { mode: 'bubblewrap' } });
    expect(await health('off')).toMatchObject({ status: 'healthy', sandbox: { mode: 'off', warning: expect.stringMatching(/NOT isolated/) } });
  });

  it.each([
    ['http://registry.npmjs.org', /scheme/i],
    ['registry.npmjs.org/path', /path/i],
    ['*', /wildcard|\*/i],
    ['host:99999', /port/i],
    ['', /empty/i],
    ['two words', /space|invalid/i],
  ])('refuses the allowed host %j', (entry, message) => {
    const parsed = organizationSettingsSchema.safeParse({ sandbox: { allowedHosts: [entry] } });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(message);
  });

  it('takes hosts, wildcards and ports, and bounds every limit', () => {
    const parsed = organizationSettingsSchema.parse({ sandbox: { allowedHosts: ['registry.npmjs.org', '*.example.com', 'pkg.internal:8443'] } });
    expect(parsed.sandbox).toMatchObject({ allowedHosts: ['registry.npmjs.org', '*.example.com', 'pkg.internal:8443'], memoryMb: 2048, maxProcesses: 512 });
    expect(organizationSettingsSchema.safeParse({ sandbox: { memoryMb: 1 } }).success).toBe(false);
    expect(organizationSettingsSchema.safeParse({ sandbox: { maxProcesses: 1_000_000 } }).success).toBe(false);
    expect(organizationSettingsSchema.safeParse({ sandbox: { allowedHosts: Array.from({ length: 101 }, (_, i) => `h${i}.example.com`) } }).success).toBe(false);
  });
});
