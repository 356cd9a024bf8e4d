import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors';
import { type CompiledSkill, SkillCompileError, type SkillIssue } from './compiler';

/**
 * Compiles skill files sent by API callers off the event loop, with a time limit. The compiler
 * is linear (no overlapping quantifiers, lines capped), but a hostile file is still an
 * attacker's input: if a compile ever takes longer than the limit, its thread is terminated
 * and the caller gets a 422, while /health and every other request go on being answered.
 *
 * One long-lived worker thread serves the compiles one at a time (a thread costs ~100 ms to
 * start: too much per request); a terminated thread is replaced on the next compile.
 */

export const DEFAULT_COMPILE_TIME_LIMIT_MS = 2_000;
/**
 * Compiles waiting at most (the thread is shared by every organization): one more is a 429, so
 * a flood of slow files delays others by at most this many time limits.
 */
export const MAX_WAITING_COMPILES = 8;

type Reply = { id: number; ok: true; compiled: CompiledSkill } | { id: number; ok: false; issues?: SkillIssue[]; message: string };

// Plain JavaScript run by the thread. The compiler is TypeScript: tsx's CommonJS hook loads it
// (the same way `npm start` runs), whether or not the parent was started by tsx.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.tsxApi).register();
const { compileSkill, SkillCompileError } = require(workerData.compiler);
parentPort.on('message', ({ id, file, source }) => {
  try {
    parentPort.postMessage({ id, ok: true, compiled: compileSkill(file, source) });
  } catch (error) {
    const issues = error instanceof SkillCompileError ? error.issues : undefined;
    parentPort.postMessage({ id, ok: false, issues, message: error && error.message ? String(error.message) : String(error) });
  }
});
`;

export class IsolatedSkillCompiler {
  private thread: Worker | undefined;
  private nextId = 0;
  /** Compiles run one after another; a queued compile's clock starts when it runs. */
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly timeLimitMs = DEFAULT_COMPILE_TIME_LIMIT_MS) {}

  /** Resolves with the compiled skill; rejects with SkillCompileError, or AppError when over the time limit. */
  compile(file: string, source: string): Promise<CompiledSkill> {
    if (this.waiting >= MAX_WAITING_COMPILES) {
      return Promise.reject(new AppError('RATE_LIMITED', 'The skill compiler is busy; try again shortly', { retryAfterMs: this.timeLimitMs }));
    }
    this.waiting += 1;
    const run = this.queue.then(() => this.compileNow(file, source)).finally(() => {
      this.waiting -= 1;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }

  private ensureThread(): Worker {
    if (!this.thread) {
      const thread = new Worker(THREAD_SOURCE, {
        eval: true,
        workerData: { tsxApi: require.resolve('tsx/cjs/api'), compiler: path.join(__dirname, 'compiler') },
        resourceLimits: { maxOldGenerationSizeMb: 256 },
      });
      thread.unref(); // an idle compiler never keeps a process alive
      thread.once('exit', () => {
        if (this.thread === thread) this.thread = undefined;
      });
      this.thread = thread;
    }
    return this.thread;
  }

  private compileNow(file: string, source: string): Promise<CompiledSkill> {
    const thread = this.ensureThread();
    const id = (this.nextId += 1);
    return new Promise<CompiledSkill>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        cleanup();
        this.thread = undefined;
        void thread.terminate();
        reject(new AppError('VALIDATION_FAILED', `The skill file took longer than ${this.timeLimitMs} ms to compile; it was abandoned`));
      }, this.timeLimitMs);
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        cleanup();
        if (reply.ok) resolve(reply.compiled);
        // Anything the compiler throws besides its located errors (a parser's stack overflow on
        // deep nesting, …) is still the file's fault: a 422, never a 500.
        else reject(reply.issues ? new SkillCompileError(reply.issues) : new AppError('VALIDATION_FAILED', `The skill file could not be compiled: ${reply.message}`));
      };
      const onError = (error: Error) => {
        cleanup();
        this.thread = undefined;
        // Out of memory (resourceLimits) or a crash: the file is what made it so.
        reject(new AppError('VALIDATION_FAILED', `The skill file could not be compiled: ${error.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new AppError('INTERNAL', `the skill compiler thread exited (${code})`));
      };
      thread.on('message', onMessage);
      thread.once('error', onError);
      thread.once('exit', onExit);
      thread.postMessage({ id, file, source });
    });
  }
}
