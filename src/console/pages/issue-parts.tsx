import { stageOfLoop } from '../../agents/tools';
import type { AgentMessageRecord, AgentToolCallRecord } from '../../db/agent-transcripts';
import type { IssueView } from '../../issues/view';
import { clip, formatTime } from '../format';

/**
 * The issue page's read-only sections. Everything here is text that agents, models and
 * webhooks wrote: it goes into the page only as JSX text children (escaped), never as HTML.
 */

export interface LogLine {
  id: number;
  time: string;
  level: string;
  message: string;
}

export interface ArtifactItem {
  id: string;
  type: string;
  name: string;
  content: string;
  filePath: string | null;
  diffPatch: string | null;
  createdAt: string;
}

/** The timeline, oldest first; the page's script appends what the event stream sends after it. */
export function Timeline(props: { issueId: string; lines: LogLine[]; pendingKey: string; ended: boolean }) {
  const last = props.lines.at(-1)?.id ?? 0;
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <p id="live-state" class="muted" role="status" aria-live="polite">
        {props.ended ? 'This issue has ended.' : 'Live updates start when scripts run; reload the page to see new entries without them.'}
      </p>
      <ol class="timeline" id="timeline" data-events={`/console/issues/${props.issueId}/events`} data-after={String(last)} data-pending-key={props.pendingKey} aria-label="Timeline entries, oldest first">
        {props.lines.length === 0 ? (
          <li id="timeline-empty" class="muted">
            Nothing logged yet.
          </li>
        ) : null}
        {props.lines.map((line) => (
          <li data-log-id={String(line.id)}>
            <time datetime={line.time}>{formatTime(line.time)}</time> <span class={`level-${line.level}`}>{line.level}</span> <span>{line.message}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A unified diff with added, removed and hunk lines marked (as spans of text). */
export function Diff(props: { patch: string; label: string }) {
  const lines = clip(props.patch, 200_000).split('\n');
  return (
    <pre class="diff" aria-label={props.label} tabindex={0}>
      {lines.map((line) => {
        const kind = line.startsWith('+++') || line.startsWith('---') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : undefined;
        return kind ? <span class={kind}>{line}</span> : <>{`${line}\n`}</>;
      })}
    </pre>
  );
}

/** The latest change the code stage proposed, as a diff. */
export function DiffSection(props: { artifacts: ArtifactItem[] }) {
  const change = [...props.artifacts].reverse().find((artifact) => artifact.diffPatch);
  return (
    <section aria-labelledby="diff-heading" id="diff">
      <h2 id="diff-heading">The diff</h2>
      {change?.diffPatch ? (
        <>
          <p class="muted">
            From “{change.name}” ({formatTime(change.createdAt)}).
          </p>
          <Diff patch={change.diffPatch} label={`Diff of ${change.name}`} />
        </>
      ) : (
        <p>No change proposed yet.</p>
      )}
    </section>
  );
}

/** Each stage's artifacts (analysis, plan, change, review), collapsed to their names. */
export function ArtifactsSection(props: { artifacts: ArtifactItem[] }) {
  return (
    <section aria-labelledby="artifacts-heading" id="artifacts">
      <h2 id="artifacts-heading">Stage artifacts</h2>
      {props.artifacts.length === 0 ? <p>None yet.</p> : null}
      {props.artifacts.map((artifact) => (
        <details>
          <summary>
            {artifact.name} <span class="muted">({artifact.type}{artifact.filePath ? `, ${artifact.filePath}` : ''}, {formatTime(artifact.createdAt)})</span>
          </summary>
          <pre tabindex={0}>{clip(artifact.content, 50_000)}</pre>
        </details>
      ))}
    </section>
  );
}

type Block = { type?: string; text?: string; name?: string; id?: string; input?: unknown; content?: unknown };

function blocksOf(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

/** The agents' conversations: per loop, each turn's text and tool calls with their results. */
export function TranscriptSection(props: { messages: AgentMessageRecord[]; toolCalls: AgentToolCallRecord[] }) {
  const results = new Map(props.toolCalls.map((call) => [call.toolUseId, call]));
  const loops = new Map<string, AgentMessageRecord[]>();
  for (const message of props.messages) loops.set(message.loopId, [...(loops.get(message.loopId) ?? []), message]);
  return (
    <section aria-labelledby="transcript-heading" id="transcript">
      <h2 id="transcript-heading">Transcript</h2>
      {loops.size === 0 ? <p>No agent has run yet.</p> : null}
      {[...loops.entries()].map(([loopId, messages]) => (
        <details>
          <summary>
            {stageOfLoop(loopId) ?? 'agent'} <span class="muted">({messages.length} messages)</span>
          </summary>
          {messages.map((message) => (
            <div class="turn">
              <div class="role">{message.role === 'assistant' ? 'Agent' : 'Orchestrator'}</div>
              {blocksOf(message.content).map((block) => {
                if (block.type === 'text') return <pre>{clip(block.text ?? '', 20_000)}</pre>;
                if (block.type === 'tool_use') {
                  const call = results.get(block.id ?? '');
                  return (
                    <>
                      <div>
                        Tool call <code>{block.name ?? '?'}</code>
                      </div>
                      <pre>{clip(JSON.stringify(block.input ?? {}, null, 2), 5_000)}</pre>
                      {call?.output !== null && call?.output !== undefined ? (
                        <>
                          <div>{call.isError ? 'Result (error)' : 'Result'}</div>
                          <pre>{clip(call.output, 10_000)}</pre>
                        </>
                      ) : null}
                    </>
                  );
                }
                return null;
              })}
            </div>
          ))}
        </details>
      ))}
    </section>
  );
}

/** Who decided and answered what, and what the workflow refused. */
export function PeopleSection(props: { view: IssueView }) {
  const { decisions, questions, refusedSignals } = props.view;
  if (decisions.length === 0 && questions.length === 0 && refusedSignals.length === 0) return null;
  return (
    <section aria-labelledby="people-heading" id="people">
      <h2 id="people-heading">Decisions and questions</h2>
      <ul>
        {decisions.map((decision) => (
          <li>
            {decision.gate} gate: <strong>{decision.decision}</strong> by {decision.reviewer} ({formatTime(decision.at)}){decision.comment ? ` — ${decision.comment}` : ''}
          </li>
        ))}
        {questions.map((question) => (
          <li>
            {question.stage} asked: {question.question} — {question.answer ? `answered by ${question.answeredBy ?? '?'}: ${question.answer}` : question.status}
          </li>
        ))}
        {refusedSignals.map((signal) => (
          <li>
            Refused {signal.kind} from {signal.person ?? 'someone'} ({formatTime(signal.at)}): {signal.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}
