import type { IssueType } from './issue';

/**
 * Worker types (the ERP's agent design): what kind of work an issue's code stage does, decided
 * by the triage, and what that kind of work may touch (README "Worker types"). A type is a
 * policy on the code stage's tools, enforced by the worker on every call:
 *
 * | type     | writes                         | runs commands | runs the tests |
 * | feature  | anything                       | yes           | yes            |
 * | bugfix   | anything                       | yes           | yes            |
 * | refactor | anything                       | yes           | yes            |
 * | test     | test files only                | yes           | yes            |
 * | docs     | documentation files only       | no            | no             |
 * | review   | nothing: no code stage at all  | —             | —              |
 *
 * Pure data and functions with no Node import: the workflows use them as well as the worker.
 */
export const WORKER_TYPES = ['feature', 'bugfix', 'test', 'docs', 'refactor', 'review'] as const;
export type WorkerType = (typeof WORKER_TYPES)[number];

export type WorkerPermission = 'code_write' | 'test_write' | 'docs_write' | 'test_execute';

export const WORKER_PERMISSIONS: Record<WorkerType, readonly WorkerPermission[]> = {
  feature: ['code_write', 'test_write', 'docs_write', 'test_execute'],
  bugfix: ['code_write', 'test_write', 'docs_write', 'test_execute'],
  refactor: ['code_write', 'test_write', 'docs_write', 'test_execute'],
  test: ['test_write', 'test_execute'],
  docs: ['docs_write'],
  review: [],
};

/** The type an issue gets when the triage names none: from what it was classified as. */
export function defaultWorkerType(issueType: IssueType | string): WorkerType {
  return issueType === 'bug' ? 'bugfix' : 'feature';
}

/** Whether the code stage runs at all for this type (a review gets the analysis, not a change). */
export const writesChanges = (type: WorkerType) => WORKER_PERMISSIONS[type].some((permission) => permission.endsWith('_write'));

/** Whether the agent may run commands, and the end-of-stage test command runs. */
export const runsCommands = (type: WorkerType) => WORKER_PERMISSIONS[type].includes('test_execute');

const DOC_EXTENSIONS = new Set(['.md', '.mdx', '.markdown', '.rst', '.adoc', '.txt']);
const TEST_FILE = /(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.[^/]+$|(^|\/)test_[^/]+\.py$|_test\.(go|py|rb)$/i;

export function isDocumentationFile(relative: string): boolean {
  const normalized = relative.replaceAll('\\', '/');
  const extension = /\.[^./]+$/.exec(normalized)?.[0]?.toLowerCase() ?? '';
  return DOC_EXTENSIONS.has(extension) || /(^|\/)docs?\//i.test(normalized);
}

export function isTestFile(relative: string): boolean {
  return TEST_FILE.test(relative.replaceAll('\\', '/'));
}

/** Why `type` may not write `relative`, or null when it may. */
export function writeRefusal(type: WorkerType, relative: string): string | null {
  const permissions = WORKER_PERMISSIONS[type];
  if (permissions.includes('code_write')) return null;
  if (permissions.includes('docs_write') && isDocumentationFile(relative)) return null;
  if (permissions.includes('test_write') && isTestFile(relative)) return null;
  if (!writesChanges(type)) return `a ${type} issue makes no change: it may not write ${relative}`;
  const may = permissions.includes('docs_write') ? 'documentation files (*.md, *.mdx, *.rst, *.txt, docs/)' : 'test files (tests/, *.test.*, *.spec.*, …)';
  return `a ${type} issue may write only ${may}, not ${relative}`;
}
