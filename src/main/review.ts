/**
 * `npm run review -- <command>`: a reviewer's work from the terminal, through the API with
 * their personal key (ORCHESTRATOR_API_KEY; ORCHESTRATOR_URL, default http://127.0.0.1:3000).
 *
 *   inbox                                  what waits for me, soonest deadline first
 *   show    <id>                           an issue (or a skill run): status, what it waits for
 *   approve <id> [--comment "…"] [--gate plan|final]
 *   reject  <id> [--comment "…"]
 *   changes <id> --comment "…"             request changes (issues)
 *   answer  <id> [<questionId>] "<text>"   answer the pending question
 *   budget  <id> <usd>                     raise an issue's budget (admins, by default)
 *
 * Issues and skill runs share the commands: the id says which. Exit codes: 0 done, 1 the API
 * refused or failed (its message is printed), 2 wrong usage.
 */
import { createOrchestratorClient, type OrchestratorClient, type Schemas } from '../client';
import { errorMessage } from '../errors';
import { FlagError, parseFlags } from './cli-flags';

const USAGE = [
  'usage: npm run review -- inbox',
  '       npm run review -- show <id>',
  '       npm run review -- approve <id> [--comment "…"] [--gate plan|final] [--for-issue (a command)]',
  '       npm run review -- reject <id> [--comment "…"]',
  '       npm run review -- changes <id> --comment "…"',
  '       npm run review -- answer <id> [<questionId>] "<text>"',
  '       npm run review -- budget <id> <usd>',
  '       npm run review -- message <id> "<text>" [--tier small|medium|large]',
  '       npm run review -- interrupt <id> [--reason "…"]',
  'environment: ORCHESTRATOR_API_KEY (your personal key), ORCHESTRATOR_URL (default http://127.0.0.1:3000)',
].join('\n');

class Usage extends Error {}
class Refused extends Error {}

type ApiResult = { data?: unknown; error?: unknown; response: Response };

/** The API's answer, or its error message (with the fields it names) as a Refused. */
function unwrap<T>(result: ApiResult): T {
  if (result.response.ok) return result.data as T;
  const body = result.error as Schemas['Error'] | undefined;
  const details = (body?.error?.details ?? []).map((detail) => `\n  ${detail.path || 'body'}: ${detail.message}`).join('');
  throw new Refused(`${result.response.status} ${body?.error?.message ?? result.response.statusText}${details}`);
}


/** Whether `id` is an issue or a skill run of the key's organization (one read). */
async function kindOf(api: OrchestratorClient, id: string): Promise<{ kind: 'issue'; issue: Schemas['Issue'] } | { kind: 'invocation'; invocation: Record<string, unknown> }> {
  const issue = await api.GET('/api/issues/{id}', { params: { path: { id } } });
  if (issue.response.ok) return { kind: 'issue', issue: issue.data as Schemas['Issue'] };
  if (issue.response.status !== 404) unwrap(issue);
  const invocation = await api.GET('/api/invocations/{id}', { params: { path: { id } } });
  if (invocation.response.status === 404) throw new Refused(`no issue or skill run ${id} in your organization`);
  return { kind: 'invocation', invocation: unwrap<Record<string, unknown>>(invocation) };
}

function printIssue(issue: Schemas['Issue']): void {
  const lines = [
    `${issue.title}  (${issue.type}, ${issue.priority})`,
    `  id ${issue.id}  ·  status ${issue.status}  ·  stage ${issue.stage ?? '—'}  ·  ${issue.currentStep}`,
    `  cost $${(issue.costUsd ?? 0).toFixed(4)} of $${issue.budgetUsd ?? '—'}${issue.pullRequestUrl ? `  ·  pull request ${issue.pullRequestUrl}` : ''}`,
  ];
  const pending = issue.pending as Record<string, unknown> | null;
  if (pending) {
    const what =
      pending['kind'] === 'approval'
        ? `${String(pending['gate'])} approval`
        : pending['kind'] === 'question'
          ? `an answer: ${String(pending['question'])}`
          : pending['kind'] === 'command'
            ? `approval to run \`${(pending['argv'] as string[]).join(' ')}\` (${String(pending['classification'])}: ${String(pending['reason'])})`
            : 'a budget raise';
    lines.push(`  WAITING for ${what} until ${String(pending['deadline'])}${pending['reminded'] ? ' (reminded)' : ''}${pending['escalated'] ? ' (escalated)' : ''}`);
    if (pending['kind'] === 'question') lines.push(`  question id ${String(pending['questionId'])}${pending['draftAnswer'] ? `; draft answer: ${String(pending['draftAnswer'])}` : ''}`);
  }
  if (issue.held) lines.push(`  HELD before ${issue.held.stage}: ${issue.held.reason}`);
  if (issue.interrupted) lines.push(`  INTERRUPTED by ${issue.interrupted.by}${issue.interrupted.reason ? `: ${issue.interrupted.reason}` : ''} — waiting for a message until ${issue.interrupted.deadline}`);
  for (const message of issue.messages) lines.push(`  message from ${message.from}${message.delivered ? ` (given to ${message.delivered.stage}, turn ${message.delivered.turn + 1})` : ' (waiting for the next turn)'}: ${message.text}`);
  for (const decision of issue.commandDecisions) lines.push(`  command \`${decision.argv.join(' ')}\`: ${decision.decision}${decision.by ? ` by ${decision.by}` : ''}${decision.comment ? ` — ${decision.comment}` : ''}`);
  for (const decision of issue.decisions) lines.push(`  ${decision.gate} gate: ${decision.decision} by ${decision.reviewer}${decision.comment ? ` — ${decision.comment}` : ''}`);
  console.log(lines.join('\n'));
}

async function run(api: OrchestratorClient, command: string | undefined, args: string[]): Promise<void> {
  const { positional, flags } = parseFlags(args, ['comment', 'gate', 'tier', 'reason'], ['for-issue']);
  const [id, ...rest] = positional;
  const needId = () => {
    if (!id) throw new Usage(`${command} needs an id`);
    return id;
  };
  switch (command) {
    case 'inbox': {
      const inbox = unwrap<Schemas['Inbox']>(await api.GET('/api/inbox'));
      const who = inbox.person ? `${inbox.person.userId} (${inbox.person.role})` : 'this service key (every wait)';
      if (inbox.items.length === 0) {
        console.log(`Nothing waits for ${who}.`);
        return;
      }
      console.log(`Waiting for ${who}:`);
      for (const item of inbox.items) {
        const what = item.waitingFor === 'approval' ? `${item.gate} approval` : item.waitingFor;
        const flagsShown = [item.reminded ? 'reminded' : '', item.escalated ? 'ESCALATED' : ''].filter(Boolean).join(', ');
        console.log(`  ${item.id}  ${what.padEnd(14)} ${item.deadline ? `until ${item.deadline}` : ''}${flagsShown ? ` [${flagsShown}]` : ''}\n      ${item.title}${item.prompt ? `\n      ${item.prompt.slice(0, 200)}` : ''}`);
      }
      return;
    }
    case 'show': {
      const found = await kindOf(api, needId());
      if (found.kind === 'issue') printIssue(found.issue);
      else console.log(JSON.stringify(found.invocation, null, 2));
      return;
    }
    case 'approve':
    case 'reject':
    case 'changes': {
      const decision = command === 'approve' ? 'approve' : command === 'reject' ? 'reject' : 'request_changes';
      if (decision === 'request_changes' && !flags['comment']) throw new Usage('changes needs --comment saying what to change');
      if (flags['gate'] && !['plan', 'final'].includes(flags['gate'])) throw new Usage('--gate is plan or final');
      const found = await kindOf(api, needId());
      if (found.kind === 'issue' && (found.issue.pending as { kind?: string } | null)?.kind === 'command') {
        // A command waits: approve it (once, or --for-issue), or reject = deny with the comment.
        if (decision === 'request_changes') throw new Usage('a command is approved or rejected (with --comment telling the agent why)');
        if (decision === 'reject' && !flags['comment']) throw new Usage('reject a command with --comment telling the agent why');
        const commandDecision = decision === 'reject' ? 'deny' : flags['for-issue'] ? 'approve_for_issue' : 'approve';
        const body = { decision: commandDecision, ...(flags['comment'] ? { comment: flags['comment'] } : {}), toolUseId: String((found.issue.pending as { toolUseId?: string }).toolUseId) } as const;
        printIssue(unwrap<Schemas['Issue']>(await api.POST('/api/issues/{id}/command-approval', { params: { path: { id: found.issue.id } }, body })));
      } else if (found.kind === 'issue') {
        const body = { decision, ...(flags['comment'] ? { comment: flags['comment'] } : {}), ...(flags['gate'] ? { gate: flags['gate'] as 'plan' | 'final' } : {}) } as const;
        printIssue(unwrap<Schemas['Issue']>(await api.POST('/api/issues/{id}/approval', { params: { path: { id: found.issue.id } }, body })));
      } else {
        if (decision === 'request_changes') throw new Usage('a skill run is approved or rejected');
        const body = { decision: decision as 'approve' | 'reject', ...(flags['comment'] ? { comment: flags['comment'] } : {}) };
        unwrap(await api.POST('/api/invocations/{id}/approval', { params: { path: { id: String(found.invocation['id']) } }, body }));
        console.log(`${decision === 'approve' ? 'Approved' : 'Rejected'} skill run ${String(found.invocation['id'])}.`);
      }
      return;
    }
    case 'answer': {
      const [questionId, text] = rest.length === 2 ? rest : [undefined, rest[0]];
      if (!text?.trim() || rest.length > 2) throw new Usage('answer needs the text (and optionally the question id before it)');
      const found = await kindOf(api, needId());
      if (found.kind === 'issue') {
        printIssue(unwrap<Schemas['Issue']>(await api.POST('/api/issues/{id}/answers', { params: { path: { id: found.issue.id } }, body: { answer: text, ...(questionId ? { questionId } : {}) } })));
      } else {
        unwrap(await api.POST('/api/invocations/{id}/answers', { params: { path: { id: String(found.invocation['id']) } }, body: { answer: text } }));
        console.log(`Answered skill run ${String(found.invocation['id'])}.`);
      }
      return;
    }
    case 'budget': {
      const usd = Number(rest[0]);
      if (rest.length !== 1 || !/^\d+(\.\d+)?$/.test(rest[0] ?? '') || !(usd > 0)) throw new Usage('budget needs the new total in USD, e.g. 5 or 12.50');
      printIssue(unwrap<Schemas['Issue']>(await api.POST('/api/issues/{id}/budget', { params: { path: { id: needId() } }, body: { budgetUsd: usd } })));
      return;
    }
    case 'message': {
      const text = rest[0];
      if (!text?.trim() || rest.length > 1) throw new Usage('message needs the text, in quotes');
      const tier = flags['tier'];
      if (tier !== undefined && !['small', 'medium', 'large'].includes(tier)) throw new Usage('--tier is small, medium or large');
      const body = { message: text, ...(tier ? { modelTier: tier as 'small' | 'medium' | 'large' } : {}) };
      printIssue(unwrap<Schemas['Issue']>(await api.POST('/api/issues/{id}/messages', { params: { path: { id: needId() } }, body })));
      return;
    }
    case 'interrupt': {
      if (rest.length > 0) throw new Usage('interrupt takes the id (and --reason "…")');
      const reason = flags['reason'];
      printIssue(unwrap<Schemas['Issue']>(await api.POST('/api/issues/{id}/interrupt', { params: { path: { id: needId() } }, body: reason ? { reason } : {} })));
      return;
    }
    default:
      throw new Usage(command ? `unknown command ${command}` : 'give a command');
  }
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const apiKey = process.env['ORCHESTRATOR_API_KEY'];
  if (!apiKey) {
    console.error(`ORCHESTRATOR_API_KEY is not set: use your personal key (an admin creates it: npm run admin -- key:create <org> <name> --scopes review --reviewer <you>)\n${USAGE}`);
    return 2;
  }
  const api = createOrchestratorClient({ baseUrl: process.env['ORCHESTRATOR_URL'] ?? 'http://127.0.0.1:3000', apiKey });
  try {
    await run(api, command, args);
    return 0;
  } catch (error) {
    if (error instanceof Usage || error instanceof FlagError) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    console.error(error instanceof Refused ? error.message : `could not reach the API: ${errorMessage(error)}`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
