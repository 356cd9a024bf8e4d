import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SANDBOX_LIMITS } from '../../src/sandbox/sandbox';
import { formatCommandResult, runCommand } from '../../src/workspace/commands';
import { branchName, branchTip, diffInMirror, git, importBundle, prepareWorkspace } from '../../src/workspace/git';
import { commitAndBundle, workingDiff } from '../../src/workspace/sandboxed-git';
import { listFiles, readFile, resolveInside, ToolInputError } from '../../src/workspace/read-tools';
import { editFile, gitGrep, writeFile } from '../../src/workspace/write-tools';
import { makeBareRepository } from '../support/git-fixture';
import { testSandbox } from '../support/harness';
import { SAMPLE_REPO } from '../support/pipeline';

/** The workspace and its tools on real files, real git and real processes. */
describe('workspace', () => {
  let remote: string;
  let cleanupRemote: () => void;
  let root: string;
  let dir: string;
  let spec: Parameters<typeof prepareWorkspace>[0];
  const sandbox = testSandbox();
  const limits = { ...DEFAULT_SANDBOX_LIMITS, wallTimeMs: 5_000, maxOutputBytes: 10_000 };

  beforeAll(async () => {
    ({ remote, cleanup: cleanupRemote } = await makeBareRepository(SAMPLE_REPO));
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'workspaces-'));
    fs.chmodSync(root, 0o711); // the sandbox's unprivileged user must reach the workspaces
    spec = { workspacesRoot: path.join(root, 'workspaces'), mirrorsRoot: path.join(root, 'mirrors'), organizationId: 'acme', issueId: 'issue-1', remote, baseBranch: 'main', owner: sandbox.fileOwner };
    dir = (await prepareWorkspace(spec)).dir;
    fs.writeFileSync(path.join(os.tmpdir(), 'outside-secret.txt'), 'top secret');
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'escape'));
  });
  afterAll(() => {
    cleanupRemote();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('preparation', () => {
    it('clones onto the issue branch and finds the same workspace again', async () => {
      const again = await prepareWorkspace(spec);
      expect(again).toMatchObject({ dir, branch: 'agent/org-acme/issue-1', created: false });
      expect(again.mirror.startsWith(path.join(root, 'mirrors'))).toBe(true);
      expect((await git(dir, ['branch', '--show-current'], { config: ['safe.directory=*'] })).trim()).toBe(branchName('acme', 'issue-1'));
      // The workspace belongs to the sandbox's user: the worker's own git refuses to work in it.
      await expect(git(dir, ['status'])).rejects.toThrow(/dubious ownership/);
    });
  });

  describe('confinement', () => {
    it.each([
      ['../outside.txt', /leaves the repository/],
      ['src/../../outside.txt', /leaves the repository/],
      ['/etc/passwd', /absolute paths are not allowed/],
      ['escape/outside-secret.txt', /through a symlink/],
    ])('refuses to read %s', async (target, message) => {
      await expect(readFile(dir, { path: target })).rejects.toThrow(message);
    });

    it.each([
      ['../evil.js', /leaves the repository/],
      ['/tmp/evil.js', /absolute paths are not allowed/],
      ['escape/evil.js', /through a symlink/],
      ['.git/hooks/pre-commit', /\.git is not writable/],
    ])('refuses to write %s', async (target, message) => {
      await expect(writeFile(dir, { path: target, content: 'x' })).rejects.toThrow(message);
      expect(fs.existsSync(path.join(os.tmpdir(), 'evil.js'))).toBe(false);
    });

    it('refuses .git by any route: edit, a symlinked directory, a dangling symlink', async () => {
      await expect(editFile(dir, { path: '.git/config', oldText: '[core]', newText: '[core]\n\tfsmonitor = evil' })).rejects.toThrow(/\.git is not writable/);
      fs.symlinkSync('.git', path.join(dir, 'meta'));
      await expect(writeFile(dir, { path: 'meta/config', content: 'x' })).rejects.toThrow(/\.git is not writable/);
      const outside = path.join(os.tmpdir(), `dangling-${process.pid}.txt`);
      fs.symlinkSync(outside, path.join(dir, 'dangling'));
      await expect(writeFile(dir, { path: 'dangling', content: 'x' })).rejects.toThrow(/symlinks are not writable/);
      expect(fs.existsSync(outside)).toBe(false);
      fs.rmSync(path.join(dir, 'meta'));
      fs.rmSync(path.join(dir, 'dangling'));
    });

    it('keeps credentials out of git errors and argv', async () => {
      const error = await git(dir, ['push', '--', 'https://127.0.0.1:9/nothing.git', 'HEAD:refs/heads/x'], {
        config: ['http.extraHeader=Authorization: Basic c2VjcmV0LXRva2Vu'],
        timeoutMs: 10_000,
      }).catch((caught: unknown) => caught as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^git push failed/);
      expect((error as Error).message).not.toContain('c2VjcmV0LXRva2Vu');
    });

    it('resolves paths inside the workspace', async () => {
      await expect(resolveInside(dir, 'src/invoice.js')).resolves.toBe(path.join(fs.realpathSync(dir), 'src/invoice.js'));
      expect(await listFiles(dir, {})).toContain('src/invoice.js');
    });
  });

  describe('editing', () => {
    it('replaces exactly one occurrence and explains 0 or several', async () => {
      await writeFile(dir, { path: 'notes/a.txt', content: 'one two two' });
      await expect(editFile(dir, { path: 'notes/a.txt', oldText: 'three', newText: 'x' })).rejects.toThrow(/not found/);
      await expect(editFile(dir, { path: 'notes/a.txt', oldText: 'two', newText: 'x' })).rejects.toThrow(/occurs 2 times/);
      await editFile(dir, { path: 'notes/a.txt', oldText: 'one', newText: '$& 1' });
      expect(fs.readFileSync(path.join(dir, 'notes/a.txt'), 'utf8')).toBe('$& 1 two two');
    });

    it('searches with git grep, new files included', async () => {
      expect(await gitGrep(sandbox, dir, { pattern: 'Math\\.round' }, limits)).toMatch(/^src\/invoice\.js:\d+:/);
      expect(await gitGrep(sandbox, dir, { pattern: 'two two' }, limits)).toContain('notes/a.txt:1:');
      expect(await gitGrep(sandbox, dir, { pattern: 'nothing-matches-this' }, limits)).toMatch(/^no matches/);
    });

    it('commits in the sandbox, imports the bundle into the mirror and diffs there', async () => {
      const prepared = await prepareWorkspace(spec);
      expect(await workingDiff(sandbox, dir, prepared.baseSha, limits)).toContain('+++ b/notes/a.txt');
      const known = await branchTip(prepared.mirror, prepared.branch);
      const change = await commitAndBundle(sandbox, dir, { message: 'fix: test commit', knownSha: known, limits });
      expect(change.bundle).not.toBeNull();
      const sha = await importBundle(prepared.mirror, change.bundle as string, prepared.branch, { maxCheckoutBytes: 1024 ** 3, maxEntries: 100_000 });
      await change.cleanup();
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(sha).not.toBe(known);
      expect((await git(prepared.mirror, ['log', '-1', '--format=%an %s', sha])).trim()).toBe('Agent Orchestrator fix: test commit');
      const again = await commitAndBundle(sandbox, dir, { message: 'nothing new', knownSha: sha, limits });
      expect(again.bundle).toBeNull();
      await again.cleanup();
      expect(await diffInMirror(prepared.mirror, prepared.baseSha, prepared.branch)).toContain('+++ b/notes/a.txt');
    });
  });

  describe('commands', () => {
    const run = (argv: string[], allowlist: string[][], overrides: Partial<typeof limits> = {}) =>
      runCommand({ sandbox, dir, argv, allowlist, limits: { ...limits, ...overrides } });

    it('refuses a command outside the allowlist without running it', async () => {
      const marker = path.join(dir, 'ran.txt');
      await expect(run(['touch', marker], [['node', '--test']])).rejects.toThrow(ToolInputError);
      await expect(run(['touch', marker], [['node', '--test']])).rejects.toThrow(/command not allowed: touch/);
      expect(fs.existsSync(marker)).toBe(false);
    });

    it('runs an allowed command without a shell and returns its exit code', async () => {
      const result = await run(['node', '-e', 'console.log("$HOME && echo hi"); process.exit(3)'], [['node', '-e']]);
      expect(result).toMatchObject({ exitCode: 3, outcome: 'exited' });
      expect(result.stdout.trim()).toBe('$HOME && echo hi'); // no shell expansion
      expect(formatCommandResult(result)).toContain('exit code 3');
    });

    it('kills a command that hangs at its timeout, children included', async () => {
      const started = Date.now();
      const result = await run(['node', '-e', 'require("child_process").spawn("sleep", ["30"], { stdio: "inherit" }); setInterval(() => {}, 1000)'], [['node', '-e']], {
        wallTimeMs: 500,
        maxOutputBytes: 1000,
      });
      expect(result.outcome).toBe('timed_out');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(formatCommandResult(result)).toContain('ran past its wall-time limit');
    });

    it('truncates a huge output', async () => {
      const result = await run(['node', '-e', 'process.stdout.write("x".repeat(5_000_000))'], [['node', '-e']]);
      expect(result.truncated).toBe(true);
      expect(result.stdout.length).toBe(10_000);
    });

    it("keeps the worker's secrets out of the command's environment", async () => {
      process.env.ANTHROPIC_API_KEY = 'sk-ant-secret';
      process.env.GITHUB_TOKEN = 'ghp_secret';
      try {
        const result = await run(['node', '-e', 'console.log(JSON.stringify(process.env))'], [['node', '-e']]);
        expect(result.stdout).not.toContain('sk-ant-secret');
        expect(result.stdout).not.toContain('ghp_secret');
        expect(Object.keys(JSON.parse(result.stdout)).sort()).toEqual(['CI', 'GIT_CONFIG_NOSYSTEM', 'GIT_TERMINAL_PROMPT', 'HOME', 'LANG', 'NO_COLOR', 'PATH', 'PWD', 'TMPDIR']);
      } finally {
        delete process.env.ANTHROPIC_API_KEY;
        delete process.env.GITHUB_TOKEN;
      }
    });
  });
});
