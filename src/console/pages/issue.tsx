import type { AgentMessageRecord, AgentToolCallRecord } from '../../db/agent-transcripts';
import { isTerminal, type IssueView } from '../../issues/view';
import { clip, formatTime, formatUsd, safeHref } from '../format';
import { Flash, Layout, OptionalFact, type Viewer } from '../layout';
import { type FormValues, WaitingPanel } from './issue-actions';
import { type ArtifactItem, ArtifactsSection, DiffSection, type LogLine, PeopleSection, Timeline, TranscriptSection } from './issue-parts';

export interface IssuePageProps {
  viewer: Viewer;
  view: IssueView;
  logs: LogLine[];
  artifacts: ArtifactItem[];
  transcript: { messages: AgentMessageRecord[]; toolCalls: AgentToolCallRecord[] };
  now: number;
  error?: string | undefined;
  notice?: string | undefined;
  values?: FormValues;
}

/** Identifies the wait the page was rendered for: the script says "reload" once it differs. */
export function pendingKeyOf(view: Pick<IssueView, 'pending'>): string {
  const pending = view.pending;
  if (!pending) return '';
  const which = pending.kind === 'approval' ? pending.gate : pending.kind === 'question' ? pending.questionId : pending.kind === 'command' ? pending.toolUseId : '';
  return `${pending.kind}:${which}:${pending.since}`;
}

export const costText = (view: Pick<IssueView, 'costUsd' | 'budgetUsd'>) => `${formatUsd(view.costUsd ?? 0)} of ${formatUsd(view.budgetUsd)}`;

/** One issue: where it is, what it waits for (with the forms), the live timeline, its work. */
export function IssuePage(props: IssuePageProps) {
  const { view } = props;
  const ended = isTerminal(view.status);
  const pullRequest = safeHref(view.pullRequestUrl);
  return (
    <Layout title={view.title} viewer={props.viewer} active="issue" script={!ended}>
      <p class="muted">
        <a href="/console/inbox">Inbox</a> / issue <span class="mono">{view.id}</span>
      </p>
      <h1 id="issue-title">{view.title}</h1>
      <Flash error={props.error} notice={props.notice} />
      <p id="stale-notice" class="notice" role="status" hidden>
        This issue has moved on since the page opened. <a href={`/console/issues/${view.id}`}>Reload the page</a> to see what it waits for now, its
        artifacts and its transcript.
      </p>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span id="issue-status" class={`status-${view.status}`}>
            {view.status}
          </span>
        </dd>
        <dt>Stage</dt>
        <dd id="issue-stage">{view.stage ?? '—'}</dd>
        <dt>Current step</dt>
        <dd id="issue-step">{view.currentStep || '—'}</dd>
        <dt>Cost</dt>
        <dd id="issue-cost">{costText(view)}</dd>
        <dt>Type, priority</dt>
        <dd>
          {view.type}, {view.priority}
          {view.module ? `, module ${view.module}` : ''}
        </dd>
        <dt>From</dt>
        <dd>
          {view.source} <span class="mono">{view.externalId}</span>, {formatTime(view.createdAt)}
        </dd>
        <OptionalFact term="Held">{view.held ? `before ${view.held.stage}: ${view.held.reason}` : null}</OptionalFact>
        <OptionalFact term="Error" class="status-failed">
          {view.error}
        </OptionalFact>
        <OptionalFact term="Pull request">{view.pullRequestUrl ? pullRequest ? <a href={pullRequest}>{view.pullRequestUrl}</a> : view.pullRequestUrl : null}</OptionalFact>
      </dl>
      {view.pending ? <WaitingPanel issueId={view.id} pending={view.pending} csrfToken={props.viewer.csrfToken} values={props.values ?? {}} now={props.now} /> : null}
      <section aria-labelledby="description-heading">
        <h2 id="description-heading">Description</h2>
        <pre id="description">{clip(view.description || '(none)', 20_000)}</pre>
      </section>
      <Timeline issueId={view.id} lines={props.logs} pendingKey={pendingKeyOf(view)} ended={ended} />
      <PeopleSection view={view} />
      <DiffSection artifacts={props.artifacts} />
      <ArtifactsSection artifacts={props.artifacts} />
      <TranscriptSection messages={props.transcript.messages} toolCalls={props.transcript.toolCalls} />
    </Layout>
  );
}
