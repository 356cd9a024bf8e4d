import type { Client } from '@temporalio/client';
import type { Database } from '../src/db/client';
import type { LlmClient } from '../src/llm/client';
import type { OutboundPolicy } from '../src/outbound/url-policy';
import type { CommandSandbox } from '../src/sandbox/sandbox';
import type { TransferStore } from '../src/workspace/transfers';
import { createSpendGuard, type SpendGuard } from '../src/spend-caps';
import { createAgentActivities } from './agent';
import { createBookkeepingActivities } from './bookkeeping';
import { createControlsActivities } from './controls';
import { createSkillBuildActivities } from './builders';
import { createErpActivities } from './erp';
import { createErpBuildActivities } from './erp-builders';
import { createLimiterActivities } from './limiter';
import { createMcpTools } from './mcp-tools';
import { createNotificationActivities } from './notifications';
import { createPeopleActivities } from './people';
import { createSkillActivities } from './skills';
import { createStageActivities } from './stages';
import { createWorkspaceActivities } from './workspace';
import type { PeopleDirectory } from '../src/identity/people-directory';

export interface ActivityDeps {
  db: Database;
  llm: LlmClient;
  models: { small: string; medium: string; large: string };
  maxOutputTokens: number;
  /** Where per-issue clones live (the agent writes them). */
  workspacesDir: string;
  /** The worker's own bare repositories (push source); never inside workspacesDir. */
  mirrorsDir: string;
  /** Where every command on repository content runs (bubblewrap, or SANDBOX=off). */
  sandbox: CommandSandbox;
  github: { token: string | undefined; apiUrl: string };
  /** For links back to the issue (pull request bodies). */
  publicBaseUrl: string;
  /** Skill runs at once across organizations (the skill-run limiter); undefined = unlimited. */
  maxConcurrentSkillRuns?: number;
  /** For the concurrency limiter's signals (absent: issues with a concurrency policy fail fast). */
  temporal?: Client;
  /** The spend-cap check of model calls; one per worker is made when absent. */
  spend?: SpendGuard;
  /** Where status callbacks and notifications may go (OUTBOUND_ALLOW_PRIVATE); strict when absent. */
  outbound?: OutboundPolicy;
  /** Where reviewer checks find people: the worker passes a notification-fed cache; Postgres is read when absent. */
  people?: PeopleDirectory;
  /** MCP_STDIO_DIR: where organizations' stdio MCP servers are installed (run in the sandbox); absent: none run. */
  mcpStdioDir?: string;
  /** TRANSFER_DIR: where bundles pass to and from the workspace pool (absent: this worker hands none over). */
  transfers?: TransferStore;
}

/**
 * Every activity the worker registers, built from injected dependencies: the worker passes
 * real clients, tests pass a test database and an LLM client aimed at the fake Claude.
 * Workflows see only the type (`import type { Activities }`).
 */
export function createActivities(given: ActivityDeps) {
  const deps = { ...given, spend: given.spend ?? createSpendGuard(given.db), mcp: createMcpTools(given) };
  return {
    ...createStageActivities(deps),
    ...createAgentActivities(deps),
    ...createPeopleActivities(deps),
    ...createWorkspaceActivities(deps),
    ...createErpActivities(deps),
    ...createNotificationActivities(deps),
    ...createLimiterActivities(deps),
    ...createBookkeepingActivities(deps),
    ...createSkillActivities(deps),
    ...createControlsActivities(deps),
    ...createSkillBuildActivities(deps),
    ...createErpBuildActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * The activity groups, one proxy (and one set of timeouts and retries) each in the workflows:
 * a model call can't go through the 30-second bookkeeping proxy, nor bookkeeping through the
 * model proxy's eight retries, because the other group's names are not on its type.
 */
export type ModelActivities = Pick<Activities, 'classifyIssue' | 'triageIssue' | 'agentModelTurn' | 'draftControllerAnswer' | 'skillModelTurn' | 'skillBuilderTurn' | 'erpBuilderTurn'>;
export type ToolActivities = Pick<Activities, 'runAgentTool' | 'runSkillTool' | 'discoverMcpTools' | 'discoverSkillMcpTools' | 'beginAgentTool' | 'finishAgentTool' | 'runErpBuilderTool'>;
/** The orchestration side of repositories: the mirror, the code host, and the workspace pool's hand-offs. */
export type WorkspaceActivities = Pick<Activities, 'prepareWorkspace' | 'finalizeChange' | 'publishChange' | 'exportWorkspace' | 'beginChange' | 'importChange'>;
/** Calls to the ERP that may wait out its outages. */
export type ErpActivities = Pick<Activities, 'syncInvocationToErp' | 'sendStatusCallback' | 'createErpBuildRecord'>;
/** Notices to the organization's channels (a webhook, Slack), retried like the ERP's callbacks. */
export type NotificationActivities = Pick<Activities, 'sendNotification'>;
/** Signals to every running issue of a scope: minutes, not seconds, with thousands of them. */
export type ControlsActivities = Pick<Activities, 'broadcastAgentControls'>;
/** Short, idempotent Postgres work (and the limiter's signals). */
export type BookkeepingActivities = Omit<
  Activities,
  keyof ModelActivities | keyof ToolActivities | keyof WorkspaceActivities | keyof ErpActivities | keyof NotificationActivities | keyof ControlsActivities
>;
