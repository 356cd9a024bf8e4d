import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (README "Metrics"). One registry per process: the API
 * serves it at /metrics, a worker on WORKER_METRICS_PORT; `npm run dev` runs both in one
 * process and serves both sets. The process's own CPU, memory, event-loop lag and GC come
 * from prom-client's default collectors.
 *
 * Label values are bounded: organizations, models, stages, tools and outcomes — never ids of
 * issues or runs.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'orchestrator_' });

const registers = [metricsRegistry];

// ---- model calls (the worker's activities: activities/model-call.ts) ----------------------

export const modelCalls = new Counter({
  name: 'orchestrator_model_calls_total',
  help: 'Model calls made, by organization, model, stage (or skill run) and outcome (ok, error)',
  labelNames: ['organization', 'model', 'stage', 'status'] as const,
  registers,
});
export const modelTokens = new Counter({
  name: 'orchestrator_model_tokens_total',
  help: 'Tokens of model calls, by organization, model, stage and kind (input, output, cache_read, cache_write)',
  labelNames: ['organization', 'model', 'stage', 'kind'] as const,
  registers,
});
export const modelCostUsd = new Counter({
  name: 'orchestrator_model_cost_usd_total',
  help: 'What model calls cost in USD, by organization, model and stage',
  labelNames: ['organization', 'model', 'stage'] as const,
  registers,
});
export const modelCallSeconds = new Histogram({
  name: 'orchestrator_model_call_duration_seconds',
  help: 'How long model calls took, by model',
  labelNames: ['model'] as const,
  buckets: [0.5, 1, 2.5, 5, 10, 20, 40, 80, 160],
  registers,
});

// ---- tools and the sandbox (activities/agent.ts, src/sandbox) -------------------------------

export const toolCalls = new Counter({
  name: 'orchestrator_tool_calls_total',
  help: "Agent tool calls run, by tool and outcome (ok, error: the tool's result was an error the agent sees)",
  labelNames: ['tool', 'outcome'] as const,
  registers,
});
export const sandboxCommands = new Counter({
  name: 'orchestrator_sandbox_commands_total',
  help: 'Commands run in the sandbox, by mode (bubblewrap, off) and result (exit_zero, exit_nonzero, timeout, killed, error)',
  labelNames: ['mode', 'result'] as const,
  registers,
});
export const sandboxCommandSeconds = new Histogram({
  name: 'orchestrator_sandbox_command_duration_seconds',
  help: 'How long sandboxed commands took, by mode',
  labelNames: ['mode'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers,
});

// ---- the HTTP API (src/metrics/http.ts) ----------------------------------------------------

export const httpRequests = new Counter({
  name: 'orchestrator_http_requests_total',
  help: 'HTTP requests answered, by method, route (the pattern, not the path) and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers,
});
export const httpRequestSeconds = new Histogram({
  name: 'orchestrator_http_request_duration_seconds',
  help: 'How long HTTP requests took, by method and route',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});
