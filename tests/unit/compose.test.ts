/**
 * docker-compose.temporal.yml and the Dockerfile cannot run here (no container engine), so
 * this keeps them in step with what can: `npm run cluster`'s settings, the entry points, the
 * search attributes, and an orchestrator environment the real config loader accepts.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig, secretsInWorkspaceWorkerEnvironment } from '../../src/config';
import { CLUSTER_HISTORY_SHARDS, clusterDynamicConfig, TEMPORAL_SERVER_VERSION } from '../../src/cluster/temporal-cluster';
import { PROJECT_SEARCH_ATTRIBUTES } from '../../src/temporal/dev-server';

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  volumes?: string[];
  user?: string;
  ports?: string[];
  security_opt?: string[];
  healthcheck?: { test: string[] };
}

const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.temporal.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.temporal.yml has no service ${name}`);
  return found;
};
const envList = (s: Service): Record<string, string> =>
  Array.isArray(s.environment) ? Object.fromEntries(s.environment.map((entry) => entry.split(/=(.*)/s).slice(0, 2) as [string, string])) : (s.environment ?? {});
/** Compose's `${NAME:-default}` with nothing set in the shell: the default. */
const interpolated = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));

describe('docker-compose.temporal.yml and the Dockerfile', () => {
  it('runs Temporal as npm run cluster does: same version, shard count and dynamic config file', () => {
    const temporal = service('temporal');
    expect(temporal.image).toBe(`temporalio/auto-setup:${TEMPORAL_SERVER_VERSION.replace(/^v/, '')}`);
    const env = envList(temporal);
    expect(Number(env.NUM_HISTORY_SHARDS)).toBe(CLUSTER_HISTORY_SHARDS);
    expect(temporal.volumes).toContain(`./src/cluster/temporal-dynamic-config.yaml:/etc/temporal/${env.DYNAMIC_CONFIG_FILE_PATH}:ro`);
    expect(clusterDynamicConfig()).toMatchObject({ 'frontend.workerVersioningWorkflowAPIs': true, 'system.enableDeploymentVersions': true, 'frontend.enableUpdateWorkflowExecution': true });
  });

  it('registers every search attribute the workflows set', () => {
    const command = [service('temporal-search-attributes').command].flat().join(' ');
    const cliType: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool', INT: 'Int', TEXT: 'Text', DATETIME: 'Datetime', DOUBLE: 'Double', KEYWORD_LIST: 'KeywordList' };
    for (const key of PROJECT_SEARCH_ATTRIBUTES) expect(command).toContain(`${key.name}=${cliType[key.type]}`);
  });

  it("starts the orchestrator's real entry points with settings loadConfig accepts", () => {
    for (const [name, entry] of [['orchestrator-migrate', 'src/main/migrate.ts'], ['worker', 'src/main/worker.ts'], ['api', 'src/main/api.ts']] as const) {
      const s = service(name);
      expect(s.build).toBe('.');
      expect(s.command).toEqual(['node', '--import', 'tsx', entry]);
      expect(fs.existsSync(path.join(ROOT, entry))).toBe(true);
      const config = loadConfig(interpolated(envList(s)));
      expect(config.database.url).toBe('postgres://temporal:temporal@postgresql:5432/orchestrator');
      expect(config.temporal.address).toBe('temporal:7233');
    }
    // Unversioned by default: `up --build` replaces every worker, so a versioned build replaced
    // in place would strand new runs on a build with no workers.
    expect(loadConfig(interpolated(envList(service('worker')))).temporal.deployment).toEqual({ name: 'agent-orchestrator', buildId: undefined });
    expect(loadConfig(interpolated(envList(service('api')))).http).toMatchObject({ host: '0.0.0.0', port: 3000 });
  });

  it('runs the repository work on workspace workers that hold no secret, sharing transfers with the orchestration workers', () => {
    const workspace = service('workspace-worker');
    expect(workspace.command).toEqual(['node', '--import', 'tsx', 'src/main/workspace-worker.ts']);
    const env = interpolated(envList(workspace));
    expect(secretsInWorkspaceWorkerEnvironment(env)).toEqual([]);
    expect(env['DATABASE_URL']).toBeUndefined();
    const workspaceConfig = loadConfig(env);
    for (const name of ['api', 'worker']) {
      const config = loadConfig(interpolated(envList(service(name))));
      expect(config.workspacePool).toMatchObject({ enabled: true, taskQueue: workspaceConfig.workspacePool.taskQueue });
    }
    const orchestration = loadConfig(interpolated(envList(service('worker'))));
    expect(orchestration.transferDir).toBe(workspaceConfig.transferDir);
    expect(service('worker').volumes).toEqual(expect.arrayContaining([`transfers:${workspaceConfig.transferDir}`, `mirrors:${orchestration.mirrorsDir}`]));
    expect(workspace.volumes).toEqual([`transfers:${workspaceConfig.transferDir}`]);
  });

  it('builds a multi-stage, non-root image with bubblewrap, copying only what exists', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/apt-get install[^\n]*bubblewrap/);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((match) => match[1]);
    expect(users.at(-1)).toBe('orchestrator');
    const copied = [...dockerfile.matchAll(/^COPY (.+)$/gm)].map((match) => (match[1] as string).split(/\s+/)).filter((words) => !words.some((word) => word.startsWith('--from')));
    for (const words of copied) {
      for (const source of words.filter((word) => !word.startsWith('--')).slice(0, -1)) expect([source, fs.existsSync(path.join(ROOT, source))]).toEqual([source, true]);
    }
    expect(copied.flat()).toEqual(expect.arrayContaining(['src', 'workflows', 'activities', 'migrations']));
    expect(dockerfile).toContain('CMD ["node", "--import", "tsx", "src/main/api.ts"]');
  });

  it('keeps secrets and ports to those who need them', () => {
    for (const name of ['api', 'orchestrator-migrate']) {
      expect(Object.keys(envList(service(name)))).not.toEqual(expect.arrayContaining(['ANTHROPIC_API_KEY']));
      expect(Object.keys(envList(service(name)))).not.toEqual(expect.arrayContaining(['GITHUB_TOKEN']));
    }
    expect(Object.keys(envList(service('worker')))).toEqual(expect.arrayContaining(['ANTHROPIC_API_KEY', 'GITHUB_TOKEN']));
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:/);
    expect(envList(service('postgresql'))['POSTGRES_PASSWORD']).toBe('${POSTGRES_PASSWORD:-temporal}');
  });

  it("probes the API's readiness, which depends on its own database only", () => {
    expect(service('api').healthcheck?.test.join(' ')).toContain('/ready');
  });

  it("confines the workers with a seccomp profile that lets bubblewrap work and refuses what it doesn't need", () => {
    const options = service('worker').security_opt ?? [];
    expect(options).not.toContain('seccomp=unconfined');
    const profileOption = options.find((option) => option.startsWith('seccomp='));
    const profile = JSON.parse(fs.readFileSync(path.join(ROOT, String(profileOption).slice('seccomp='.length)), 'utf8')) as {
      defaultAction: string;
      syscalls: Array<{ names: string[]; action: string }>;
    };
    // Allowed unless listed: so what bubblewrap needs must not be listed.
    expect(profile.defaultAction).toBe('SCMP_ACT_ALLOW');
    const denied = profile.syscalls.filter((rule) => rule.action !== 'SCMP_ACT_ALLOW').flatMap((rule) => rule.names);
    expect(denied).toEqual(expect.arrayContaining(['ptrace', 'keyctl', 'bpf', 'open_by_handle_at', 'init_module', 'kexec_load', 'process_vm_readv', 'userfaultfd', 'pidfd_getfd', 'fsconfig', 'open_tree']));
    // What bubblewrap calls to build the sandbox (src/sandbox/bubblewrap.ts: user, pid, net, uts, ipc namespaces; a new root).
    for (const needed of ['clone', 'clone3', 'unshare', 'mount', 'umount2', 'pivot_root', 'sethostname', 'setns', 'capset', 'prctl']) expect(denied).not.toContain(needed);
  });
});
