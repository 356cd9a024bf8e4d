import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand, formatCommandResult } from '../../src/workspace/commands';
import { branchName, commitAll, diffAgainstBase, git, prepareWorkspace } from '../../src/workspace/git';
import { listFiles, readFile, resolveInside, ToolInputError } from '../../src/workspace/read-tools';
import { editFile, gitGrep, writeFile } from '../../src/workspace/write-tools';
import { makeBareRepository } from '../support/git-fixture';
import { SAMPLE_REPO } from '../support/pipeline';

/** The workspace and its tools on real files, real git and real processes. */
describe('workspace', () => {
  let remote: string;
  let cleanupRemote: () => void;
  let root: string;
  let dir: string;

  beforeAll(async () => {
    ({ remote, cleanup: cleanupRemote } = await makeBareRepository(SAMPLE_REPO));
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'workspaces-'));
    dir = (await prepareWorkspace({ root, organizationId: 'acme', issueId: 'issue-1', remote, baseBranch: 'main' })).dir;
    fs.writeFileSync(path.join(os.tmpdir(), 'outside-secret.txt'), 'top secret');
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'escape'));
  });
  afterAll(() => {
    cleanupRemote();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('preparation', () => {
    it('clones onto the issue branch and finds the same workspace again', async () => {
      const again = await prepareWorkspace({ root, organizationId: 'acme', issueId: 'issue-1', remote, baseBranch: 'main' });
      expect(again).toMatchObject({ dir, branch: 'agent/org-acme/issue-1', created: false });
      expect((await git(dir, ['branch', '--show-current'])).trim()).toBe(branchName('acme', 'issue-1'));
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
      expect(await gitGrep(dir, { pattern: 'Math\\.round' })).toMatch(/^src\/invoice\.js:\d+:/);
      expect(await gitGrep(dir, { pattern: 'two two' })).toContain('notes/a.txt:1:');
      expect(await gitGrep(dir, { pattern: 'nothing-matches-this' })).toMatch(/^no matches/);
    });

    it('commits on the branch and diffs against the base', async () => {
      const base = (await git(dir, ['rev-parse', 'HEAD'])).trim();
      const sha = await commitAll(dir, 'fix: test commit');
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await commitAll(dir, 'nothing new')).toBeNull();
      expect(await diffAgainstBase(dir, base)).toContain('+++ b/notes/a.txt');
    });
  });

  describe('commands', () => {
    const limits = { timeoutMs: 5_000, maxOutputBytes: 10_000 };

    it('refuses a command outside the allowlist without running it', async () => {
      const marker = path.join(dir, 'ran.txt');
      await expect(runCommand(dir, ['touch', marker], [['node', '--test']], limits)).rejects.toThrow(ToolInputError);
      await expect(runCommand(dir, ['touch', marker], [['node', '--test']], limits)).rejects.toThrow(/command not allowed: touch/);
      expect(fs.existsSync(marker)).toBe(false);
    });

    it('runs an allowed command without a shell and returns its exit code', async () => {
      const result = await runCommand(dir, ['node', '-e', 'console.log("$HOME && echo hi"); process.exit(3)'], [['node', '-e']], limits);
      expect(result).toMatchObject({ exitCode: 3, timedOut: false });
      expect(result.stdout.trim()).toBe('$HOME && echo hi'); // no shell expansion
      expect(formatCommandResult(result)).toContain('exit code 3');
    });

    it('kills a command that hangs at its timeout, children included', async () => {
      const started = Date.now();
      const result = await runCommand(dir, ['node', '-e', 'require("child_process").spawn("sleep", ["30"], { stdio: "inherit" }); setInterval(() => {}, 1000)'], [['node', '-e']], {
        timeoutMs: 500,
        maxOutputBytes: 1000,
      });
      expect(result.timedOut).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(formatCommandResult(result)).toContain('killed after the timeout');
    });

    it('truncates a huge output', async () => {
      const result = await runCommand(dir, ['node', '-e', 'process.stdout.write("x".repeat(5_000_000))'], [['node', '-e']], limits);
      expect(result.truncated).toBe(true);
      expect(result.stdout.length).toBe(10_000);
    });

    it("keeps the worker's secrets out of the command's environment", async () => {
      process.env.ANTHROPIC_API_KEY = 'sk-ant-secret';
      process.env.GITHUB_TOKEN = 'ghp_secret';
      try {
        const result = await runCommand(dir, ['node', '-e', 'console.log(JSON.stringify(process.env))'], [['node', '-e']], limits);
        expect(result.stdout).not.toContain('sk-ant-secret');
        expect(result.stdout).not.toContain('ghp_secret');
        expect(Object.keys(JSON.parse(result.stdout)).sort()).toEqual(['CI', 'GIT_TERMINAL_PROMPT', 'HOME', 'LANG', 'NO_COLOR', 'PATH']);
      } finally {
        delete process.env.ANTHROPIC_API_KEY;
        delete process.env.GITHUB_TOKEN;
      }
    });
  });
});
