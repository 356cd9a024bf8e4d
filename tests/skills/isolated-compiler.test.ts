import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src/errors';
import { SkillCompileError } from '../../src/skills/compiler';
import { IsolatedSkillCompiler, MAX_WAITING_COMPILES } from '../../src/skills/isolated-compiler';
import { SKILL_LIBRARY_DIR } from '../../src/skills/library';

const briefCreator = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8');

/** The longest the event loop went without running a 5 ms interval while `work` ran. */
async function worstLoopStall<T>(work: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  const [result] = await Promise.allSettled([work()]);
  clearInterval(probe);
  return { result: result as PromiseSettledResult<T>, stallMs: worst };
}

/**
 * Skill files from API callers compile on a thread of their own with a time limit: a
 * pathological file costs its own request at most the limit, never the event loop that
 * answers /health and everyone else.
 */
describe('isolated skill compiler', () => {
  const compiler = new IsolatedSkillCompiler();
  afterAll(async () => {
    await compiler.close();
  });

  it('compiles a skill to the same result as in-process, and reports located errors', async () => {
    const compiled = await compiler.compile('brief-creator.md', briefCreator);
    expect(compiled).toMatchObject({ id: 'brief-creator', title: 'Brief Creator', allowedTools: ['create_brief', 'read_client'] });
    const broken = await compiler.compile('broken.md', briefCreator.replace('version: 1.0.0', 'version: one')).catch((error: unknown) => error);
    expect(broken).toBeInstanceOf(SkillCompileError);
    expect((broken as SkillCompileError).issues).toEqual([expect.objectContaining({ field: 'version', line: expect.any(Number) })]);
  });

  const deepList = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  it.each([
    ['a 199 KB heading with \\r', briefCreator.replace('# Brief Creator', `# a${' '.repeat(199_000)}\rb`)],
    ['200 KB lines, five of them', briefCreator.replace('## Purpose', `## Purpose\n${`${'y '.repeat(100_000)}\n`.repeat(5)}`)],
    ['YAML nested 50 000 deep', `---\nid: deep\ntype: skill\nversion: 1.0.0\ninputs: ${deepList}\n---\n# Deep\n`],
    ['50 000 nested block quotes', briefCreator.replace('## Founder Knowledge', `## Founder Knowledge\n${'>'.repeat(9_000)} x\n`.repeat(20))],
    ['100 000 short headings', briefCreator.replace('# Brief Creator', '## x\n'.repeat(100_000))],
  ])('%s: answered in under 1 s, the event loop never stalls', async (_name, source) => {
    const started = performance.now();
    const { result, stallMs } = await worstLoopStall(() => compiler.compile('hostile.md', source));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(stallMs).toBeLessThan(200);
    // Compiled or refused as the file's fault (422): never an internal error.
    if (result.status === 'rejected') {
      const error = result.reason as unknown;
      expect(error instanceof SkillCompileError || (error instanceof AppError && error.code === 'VALIDATION_FAILED')).toBe(true);
    }
  });

  it(`answers 429 beyond ${MAX_WAITING_COMPILES} waiting compiles, so one tenant's flood cannot queue everyone behind it`, async () => {
    const busy = new IsolatedSkillCompiler();
    try {
      const calls = Array.from({ length: MAX_WAITING_COMPILES + 2 }, () => busy.compile('brief-creator.md', briefCreator).then(() => 'ok', (error: unknown) => error));
      const results = await Promise.all(calls);
      expect(results.slice(0, MAX_WAITING_COMPILES)).toEqual(Array(MAX_WAITING_COMPILES).fill('ok'));
      expect(results.slice(MAX_WAITING_COMPILES)).toEqual([expect.objectContaining({ code: 'RATE_LIMITED' }), expect.objectContaining({ code: 'RATE_LIMITED' })]);
      await expect(busy.compile('brief-creator.md', briefCreator)).resolves.toMatchObject({ id: 'brief-creator' });
    } finally {
      await busy.close();
    }
  });

  it('abandons a compile over the time limit with a 422, and the next compile gets a fresh thread', async () => {
    const strict = new IsolatedSkillCompiler(1);
    try {
      const slow = await strict.compile('slow.md', briefCreator.replace('## Purpose', `## Purpose\n${'word '.repeat(150_000)}`)).catch((error: unknown) => error);
      expect(slow).toBeInstanceOf(AppError);
      expect(slow).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The skill file took longer than 1 ms to compile; it was abandoned' });
    } finally {
      await strict.close();
    }
    // The shared compiler is unaffected; after its own time-out it starts again too.
    await expect(compiler.compile('brief-creator.md', briefCreator)).resolves.toMatchObject({ id: 'brief-creator' });
  });
});
