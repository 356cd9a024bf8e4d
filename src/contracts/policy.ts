import { z } from 'zod';
import { deepFreeze } from '../deep-freeze';
import { parseAllowedHost } from '../sandbox/egress-proxy';
import { ROLES } from '../identity/scopes';
import { notificationSettingsSchema } from './notifications';
import { mcpSettingsSchema } from './mcp';
import { WORKER_TYPES, type WorkerType } from './worker-types';
import { CAPABILITY_PATTERN, type WorkspacePoolPolicy } from '../../workflows/shared/workspace-pool';

/**
 * How an organization wants its issues handled. Stored in `organizations.settings`, resolved
 * with defaults, and handed to each workflow as a snapshot (IssuePolicy) when it starts, so
 * a run behaves the same from start to end and replays identically.
 */

export const MODEL_TIERS = ['small', 'medium', 'large'] as const;
export type ModelTier = (typeof MODEL_TIERS)[number];

export const CLARIFICATION_POLICIES = ['autonomous', 'supervised', 'human'] as const;
export type ClarificationPolicy = (typeof CLARIFICATION_POLICIES)[number];

const seconds = z.number().int().min(1).max(30 * 24 * 3600);

export const humanTimersSchema = z
  .object({
    /** Notify the people who owe an answer after this long. */
    reminderSeconds: seconds.default(4 * 3600),
    /** Notify the escalation contacts and raise the priority after this long. */
    escalationSeconds: seconds.default(24 * 3600),
    /** Give up: the issue ends `needs_info` / `approval_expired` / `failed` (budget). */
    expirySeconds: seconds.default(72 * 3600),
  })
  .refine((t) => t.reminderSeconds <= t.escalationSeconds && t.escalationSeconds <= t.expirySeconds, {
    message: 'reminderSeconds ≤ escalationSeconds ≤ expirySeconds',
  });
export type HumanTimers = z.infer<typeof humanTimersSchema>;

const roleList = z.array(z.enum(ROLES)).min(1).max(ROLES.length).optional();

const argv = z.array(z.string().min(1).max(500)).min(1).max(50);

/** The repository the agents work on, and how its changes are published. */
export const repositorySettingsSchema = z.object({
  /**
   * A git URL or path: each issue gets its own clone on `agent/org-{org}/{issue}`, with
   * write tools, commands and a pull request. For GitHub: https://github.com/owner/repo.git
   */
  remote: z.string().min(1).optional(),
  /** A directory the agents may only read (no workspace, no pull request). */
  path: z.string().min(1).optional(),
  baseBranch: z.string().min(1).default('main'),
  /** Where pull requests are opened: a local bare repository + Postgres, or GitHub. */
  host: z.enum(['local', 'github']).default('local'),
  github: z
    .object({
      owner: z.string().min(1),
      repo: z.string().min(1),
      /** Secret of the repository's webhook (X-Hub-Signature-256); enables POST /api/webhooks/github. */
      webhookSecret: z.string().min(16).optional(),
      /** Labelling a GitHub issue with this starts it here. */
      triggerLabel: z.string().min(1).default('agent'),
    })
    .optional(),
  /** Run after the code agent finishes; its result goes into the pull request. */
  testCommand: argv.optional(),
  /** Commands the code agent may run (argv prefixes); the test command is always allowed. */
  allowedCommands: z.array(argv).max(50).default([]),
  /**
   * Which commands wait for a person's approval (src/workspace/command-policy.ts, README
   * "Command approval"): never (the allowlist decides), on-request, on-failure, untrusted.
   */
  commandApproval: z.enum(['never', 'on-request', 'on-failure', 'untrusted']).default('never'),
  /** The same policy for changes of one worker type (src/contracts/worker-types.ts), over commandApproval. */
  commandApprovalByWorkerType: z.partialRecord(z.enum(WORKER_TYPES), z.enum(['never', 'on-request', 'on-failure', 'untrusted'])).default({}),
  commandTimeoutSeconds: z.number().int().min(1).max(3600).default(300),
  /**
   * Capabilities this repository always needs (README "Worker pools"), e.g. ["python"]: where
   * the installation has a pool for one, the organization's issues go there, before any the
   * classification names.
   */
  capabilities: z.array(z.string().regex(CAPABILITY_PATTERN, 'lower-case letters, digits, ".", "_" and "-", at most 40')).max(10).default([]),
  pullRequest: z
    .object({ draft: z.boolean().default(true), labels: z.array(z.string().min(1).max(50)).max(20).default(['agent']) })
    .prefault({}),
});
export type RepositorySettings = z.infer<typeof repositorySettingsSchema>;

/** How commands of this organization's agents are confined (src/sandbox). */
export const sandboxSettingsSchema = z.object({
  /**
   * Hosts commands may reach through the filtering proxy ("registry.npmjs.org",
   * "*.example.com", "host:8443"; without a port, 80 and 443). Empty (default): no network.
   * Every allowed and refused connection is logged to the issue.
   */
  allowedHosts: z
    .array(
      z.string().superRefine((entry, ctx) => {
        try {
          parseAllowedHost(entry);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    )
    .max(100)
    .default([]),
  /** Memory of a command's processes together. */
  memoryMb: z.number().int().min(64).max(64 * 1024).default(2048),
  /** CPU seconds per process. */
  cpuSeconds: z.number().int().min(1).max(24 * 3600).default(600),
  /** Processes and threads at once. */
  maxProcesses: z.number().int().min(16).max(8192).default(512),
  /** Largest file a command may write. */
  fileSizeMb: z.number().int().min(1).max(64 * 1024).default(512),
  /** The workspace's size cap; a command that grows it past this gets an error. */
  workspaceMb: z.number().int().min(16).max(1024 * 1024).default(2048),
});
export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;

export const organizationSettingsSchema = z.object({
  /** Default spending limit per issue in USD; a request may override it. */
  budgetUsd: z.number().positive().max(10_000).default(5),
  /** A person approves the plan (research) before any code is written. */
  planApproval: z.enum(['required', 'never']).default('never'),
  /** A person approves the reviewed change before it is published. */
  finalApproval: z.enum(['required', 'never']).default('required'),
  /** Who answers the agents' clarification questions. */
  clarification: z.enum(CLARIFICATION_POLICIES).default('supervised'),
  timers: humanTimersSchema.prefault({}),
  /** Review may send the change back to code this many times. */
  maxReviewRounds: z.number().int().min(0).max(5).default(2),
  /** Model turns per agent loop before the agent must submit its answer. */
  maxAgentTurns: z.number().int().min(2).max(50).default(12),
  /** Pipelines this organization may run at once; default from its plan (1 / 3 / 10). */
  maxConcurrentIssues: z.number().int().min(1).max(1000).optional(),
  /** Agent stages this organization may run; default from its plan (free: research only). */
  allowedAgents: z.array(z.enum(['research', 'code', 'review'])).optional(),
  /**
   * The worker types (src/contracts/worker-types.ts) a change may be made as; an issue the
   * triage gives another type ends with its analysis. Absent: all of them.
   */
  workerTypes: z.array(z.enum(WORKER_TYPES)).min(1).optional(),
  /** Model tiers this organization may use; default from its plan (free: small; pro: small, medium). */
  allowedTiers: z.array(z.enum(MODEL_TIERS)).min(1).optional(),
  /** Who hears about escalations (ERP user ids or e-mail addresses). */
  escalationContacts: z.array(z.string().max(200)).max(50).default([]),
  repository: repositorySettingsSchema.prefault({}),
  sandbox: sandboxSettingsSchema.prefault({}),
  /**
   * Submission limits: sliding hours and days (issues: 100 an hour, 10 / 100 / 1000 a day by
   * plan; skill runs started through the API or by ERP events: 20 / 200 / 2000 an hour and
   * 100 / 1000 / 10000 a day), and skill schedules at once (2 / 20 / 100).
   */
  limits: z
    .object({
      issuesPerHour: z.number().int().min(1).max(100_000).default(100),
      issuesPerDay: z.number().int().min(1).max(1_000_000).optional(),
      skillRunsPerHour: z.number().int().min(1).max(100_000).optional(),
      skillRunsPerDay: z.number().int().min(1).max(1_000_000).optional(),
      maxSchedules: z.number().int().min(0).max(10_000).optional(),
      /** Skill runs of this organization at once; default from its plan (1 / 3 / 10), below the global cap. */
      maxConcurrentSkillRuns: z.number().int().min(1).max(1000).optional(),
      /** Model spend per UTC day and month, issues and skills together (default by plan). */
      dailySpendUsd: z.number().positive().max(1_000_000).optional(),
      monthlySpendUsd: z.number().positive().max(10_000_000).optional(),
    })
    .prefault({}),
  /**
   * Which roles may do what (src/identity/scopes.ts DEFAULT_PERMISSIONS): approve the plan or
   * the final change, answer questions, raise a budget (admins only by default), cancel,
   * review a skill run's output, steer a running agent, approve a command, decide on a Skill
   * Builder's draft (publishSkill: admins only by default). Checked when the action happens, so
   * a change applies at once.
   */
  permissions: z
    .strictObject({
      approvePlan: roleList,
      approveFinal: roleList,
      answer: roleList,
      raiseBudget: roleList,
      cancel: roleList,
      reviewSkillRun: roleList,
      steer: roleList,
      approveCommand: roleList,
      publishSkill: roleList,
    })
    .prefault({}),
  /** The ERP side: where status events go, and the secret both directions sign with. */
  erp: z
    .object({
      callbackUrl: z.string().url().optional(),
      /** HMAC-SHA256 key for callbacks we send and webhooks we receive. */
      webhookSecret: z.string().min(16).optional(),
      /** The ERP's REST API (…/api/v1): skill tools read and write through it; skills sync to its AgentSkill endpoint. */
      apiUrl: z.string().url().optional(),
      /** Service key for that API (sent as a Bearer token with X-Organization-Id). */
      serviceKey: z.string().min(8).optional(),
    })
    .prefault({}),
  /**
   * Where an issue's notices (reminders, escalations, approvals needed, questions asked) go:
   * a signed webhook and a Slack-compatible incoming webhook (src/contracts/notifications.ts).
   */
  notifications: notificationSettingsSchema.prefault({}),
  /** MCP servers whose tools the agents may call (src/contracts/mcp.ts). */
  mcp: mcpSettingsSchema.prefault({}),
  /** Continue-as-new once history has this many events (Temporal also suggests it). */
  historyEventThreshold: z.number().int().min(20).max(40_000).default(10_000),
  /**
   * Heartbeat timeout of model, tool and workspace activities: how soon a lost worker's call is
   * retried. They heartbeat every second while they wait on a model, a command or git, so
   * 20 s is a stalled process, not a slow call (it was 60 s: a dead worker's step idled a minute).
   */
  activityHeartbeatSeconds: z.number().int().min(1).max(600).default(20),
});
export type OrganizationSettings = z.infer<typeof organizationSettingsSchema>;
/** Settings as stored and written (defaults not yet applied). */
export type OrganizationSettingsInput = z.input<typeof organizationSettingsSchema>;

const parsedSettings = new WeakMap<object, OrganizationSettings>();
let defaultSettings: OrganizationSettings | undefined;

/**
 * An organization's stored settings, parsed with their defaults. Parsed once per settings
 * object: the organizations the API and the workers hold come from caches, and a submission
 * reads its settings four times (limits, caps, budget, policy) — 12–34 µs a parse with real
 * settings. The result is shared, so it is frozen. Invalid settings throw, as a parse does.
 */
export function settingsOf(settings: unknown): OrganizationSettings {
  if (settings === null || settings === undefined) return (defaultSettings ??= deepFreeze(organizationSettingsSchema.parse({})));
  if (typeof settings !== 'object') return organizationSettingsSchema.parse(settings);
  let parsed = parsedSettings.get(settings);
  if (!parsed) {
    parsed = deepFreeze(organizationSettingsSchema.parse(settings));
    parsedSettings.set(settings, parsed);
  }
  return parsed;
}

/** The resolved policy one workflow run works with. JSON-native. */
export interface IssuePolicy {
  budgetUsd: number;
  planApproval: 'required' | 'never';
  finalApproval: 'required' | 'never';
  clarification: ClarificationPolicy;
  timers: HumanTimers;
  maxReviewRounds: number;
  maxAgentTurns: number;
  allowedTiers: ModelTier[];
  escalationContacts: string[];
  historyEventThreshold: number;
  activityHeartbeatSeconds: number;
  /** The issue gets a workspace (clone, write tools, commit) and ends in a pull request. */
  workspace: boolean;
  /** Status changes are sent to the organization's ERP callback URL. */
  statusCallbacks?: boolean;
  /** Agent stages the plan allows (free: research only); absent means all. */
  allowedAgents?: Array<'research' | 'code' | 'review'>;
  /** The worker types a change may be made as (settings.workerTypes); absent means all. */
  allowedWorkerTypes?: WorkerType[];
  /** An MCP server of the organization offers its tools to issue stages (settings.mcp): the run discovers their tools (absent: none, or a run from before). */
  mcp?: boolean;
  /** Pipelines running at once, per organization and overall; absent means unlimited. */
  concurrency?: { organizationLimit: number; globalLimit: number };
  /** Repository work runs on the workspace pool's workers (WORKSPACE_TASK_QUEUE); absent: on the orchestration worker. */
  workspacePool?: WorkspacePoolPolicy;
}

/** The smallest budget a request may name: below it a run stops before its first model call. */
export const MIN_REQUEST_BUDGET_USD = 0.05;
/** The largest budget one request (an issue, a skill run) may name, by plan. */
export const MAX_REQUEST_BUDGET_BY_PLAN: Record<'free' | 'pro' | 'enterprise', number> = { free: 5, pro: 100, enterprise: 1000 };

/** Why a request's own budget is refused for this plan, or null. */
export function requestBudgetProblem(plan: 'free' | 'pro' | 'enterprise', budgetUsd: number | undefined): string | null {
  if (budgetUsd === undefined) return null;
  const max = MAX_REQUEST_BUDGET_BY_PLAN[plan];
  return budgetUsd > max ? `budgetUsd ${budgetUsd} is over the ${plan} plan's maximum of ${max} per request` : null;
}

const CONCURRENCY_BY_PLAN: Record<'free' | 'pro' | 'enterprise', number> = { free: 1, pro: 3, enterprise: 10 };

/**
 * Pipelines one organization may run at once: its setting when it has one; else its plan's,
 * kept below the global cap so one tenant never takes every slot.
 */
export function organizationConcurrency(plan: 'free' | 'pro' | 'enterprise', configured: number | undefined, globalLimit: number): number {
  if (configured !== undefined) return configured;
  return Math.max(1, Math.min(CONCURRENCY_BY_PLAN[plan], globalLimit - 1));
}

/** Skill runs one organization may have running at once (the same rule as pipelines). */
export function skillRunConcurrency(plan: 'free' | 'pro' | 'enterprise', settings: unknown, globalLimit: number): { organizationLimit: number; globalLimit: number } {
  const configured = settingsOf(settings).limits.maxConcurrentSkillRuns;
  return { organizationLimit: organizationConcurrency(plan, configured, globalLimit), globalLimit };
}

const TIERS_BY_PLAN: Record<'free' | 'pro' | 'enterprise', ModelTier[]> = {
  free: ['small'],
  pro: ['small', 'medium'],
  enterprise: ['small', 'medium', 'large'],
};

export function resolvePolicy(
  plan: 'free' | 'pro' | 'enterprise',
  settings: unknown,
  overrides: { budgetUsd?: number; globalConcurrency?: number; workspacePool?: WorkspacePoolPolicy } = {},
): IssuePolicy {
  const parsed = settingsOf(settings);
  return {
    budgetUsd: overrides.budgetUsd ?? parsed.budgetUsd,
    planApproval: parsed.planApproval,
    finalApproval: parsed.finalApproval,
    clarification: parsed.clarification,
    timers: parsed.timers,
    maxReviewRounds: parsed.maxReviewRounds,
    maxAgentTurns: parsed.maxAgentTurns,
    allowedTiers: parsed.allowedTiers ?? TIERS_BY_PLAN[plan],
    escalationContacts: parsed.escalationContacts,
    historyEventThreshold: parsed.historyEventThreshold,
    activityHeartbeatSeconds: parsed.activityHeartbeatSeconds,
    workspace: parsed.repository.remote !== undefined,
    statusCallbacks: parsed.erp.callbackUrl !== undefined,
    allowedAgents: parsed.allowedAgents ?? (plan === 'free' ? ['research'] : ['research', 'code', 'review']),
    ...(parsed.workerTypes ? { allowedWorkerTypes: parsed.workerTypes } : {}),
    // Only when configured: the run lists the servers' tools as its first agent starts.
    ...(parsed.mcp.servers.some((server) => server.stages.length > 0) ? { mcp: true } : {}),
    ...(overrides.workspacePool
      ? { workspacePool: { ...overrides.workspacePool, ...(parsed.repository.capabilities.length > 0 ? { preferred: parsed.repository.capabilities } : {}) } }
      : {}),
    ...(overrides.globalConcurrency
      ? { concurrency: { organizationLimit: organizationConcurrency(plan, parsed.maxConcurrentIssues, overrides.globalConcurrency), globalLimit: overrides.globalConcurrency } }
      : {}),
  };
}

const ISSUES_PER_DAY_BY_PLAN: Record<'free' | 'pro' | 'enterprise', number> = { free: 10, pro: 100, enterprise: 1000 };

/** How many issues an organization may submit per sliding hour and per sliding day. */
export function submissionLimits(plan: 'free' | 'pro' | 'enterprise', settings: unknown): { perHour: number; perDay: number } {
  const limits = settingsOf(settings).limits;
  return { perHour: limits.issuesPerHour, perDay: limits.issuesPerDay ?? ISSUES_PER_DAY_BY_PLAN[plan] };
}

const SKILL_RUNS_BY_PLAN: Record<'free' | 'pro' | 'enterprise', { perHour: number; perDay: number }> = {
  free: { perHour: 20, perDay: 100 },
  pro: { perHour: 200, perDay: 1000 },
  enterprise: { perHour: 2000, perDay: 10_000 },
};
const SCHEDULES_BY_PLAN: Record<'free' | 'pro' | 'enterprise', number> = { free: 2, pro: 20, enterprise: 100 };

/** How many skill runs an organization may start (API and ERP events) per sliding hour and day. */
export function skillRunLimits(plan: 'free' | 'pro' | 'enterprise', settings: unknown): { perHour: number; perDay: number } {
  const limits = settingsOf(settings).limits;
  const byPlan = SKILL_RUNS_BY_PLAN[plan];
  return { perHour: limits.skillRunsPerHour ?? byPlan.perHour, perDay: limits.skillRunsPerDay ?? byPlan.perDay };
}

/** How many skill schedules an organization may have. */
export function scheduleLimit(plan: 'free' | 'pro' | 'enterprise', settings: unknown): number {
  return settingsOf(settings).limits.maxSchedules ?? SCHEDULES_BY_PLAN[plan];
}

const SPEND_CAPS_BY_PLAN: Record<'free' | 'pro' | 'enterprise', { daily: number; monthly: number }> = {
  free: { daily: 5, monthly: 50 },
  pro: { daily: 200, monthly: 2000 },
  enterprise: { daily: 2000, monthly: 40_000 },
};

/** An organization's model spend caps per UTC day and month. */
export function spendCaps(plan: 'free' | 'pro' | 'enterprise', settings: unknown): { daily: number; monthly: number } {
  const limits = settingsOf(settings).limits;
  const byPlan = SPEND_CAPS_BY_PLAN[plan];
  return { daily: limits.dailySpendUsd ?? byPlan.daily, monthly: limits.monthlySpendUsd ?? byPlan.monthly };
}
