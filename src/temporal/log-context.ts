import type { Context as ActivityContext } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { trace } from '@opentelemetry/api';
import { type LogContext, withLogContext } from '../logger';
import { activeTracer, workAttributes } from '../telemetry/spans';

/**
 * Every line an activity logs says whose work it is: the organization, issue (or skill
 * invocation) and workflow. Our activities take one input object naming `organizationId` and
 * `issueId`/`invocationId` (activities/index.ts); other shapes still get the workflow.
 *
 * Two paths carry it: lines our code logs run inside `withLogContext`; the SDK's own activity
 * lines ("Activity completed", "Activity failed", `Context.current().log`) take it from
 * `getLogAttributes`. The SDK's "Activity started" precedes the input being read, so it carries
 * only the workflow (and the organization in the workflow id, src/temporal/runtime.ts).
 *
 * With tracing on, the activity's RunActivity span (current here: the tracing's interceptor
 * runs first, src/temporal/worker.ts) gets the same ids.
 */
export const activityLogContext: ActivityInterceptorsFactory = (ctx: ActivityContext) => {
  const bound: LogContext = { workflowId: ctx.info.workflowExecution?.workflowId };
  return {
    inbound: {
      execute: (input, next) => {
        Object.assign(bound, idsNamedIn(input.args[0]));
        if (activeTracer()) trace.getActiveSpan()?.setAttributes(workAttributes(bound));
        return withLogContext(bound, () => next(input));
      },
    },
    outbound: {
      getLogAttributes: (input, next) => next({ ...input, ...definedOnly(bound) }),
    },
  };
};

function idsNamedIn(firstArgument: unknown): LogContext {
  const named = (key: string) => {
    if (typeof firstArgument !== 'object' || firstArgument === null) return undefined;
    const value = (firstArgument as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
  return definedOnly({ organizationId: named('organizationId'), issueId: named('issueId'), invocationId: named('invocationId') });
}

function definedOnly(fields: LogContext): LogContext {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
