import type { SkillService } from '../../skills/service';
import { formatTime, formatUsd } from '../format';
import { Flash, Layout, OptionalFact, type Viewer } from '../layout';
import { type FormValues, WaitPanel } from './issue-actions';

export type InvocationView = Awaited<ReturnType<SkillService['getInvocation']>>;

/**
 * One skill run (an inbox item of kind `invocation`): what it runs, what it waits for, and the
 * form that settles it — an answer to its `request_info` question, or approve / reject with a
 * comment for its `flag_for_review`. The forms post to /console/invocations/:id/… and go through
 * the same service, checks and audit trail as POST /api/invocations/:id/answers | approval.
 */
export function InvocationPage(props: { viewer: Viewer; view: InvocationView; now: number; error?: string | undefined; notice?: string | undefined; values?: FormValues }) {
  const { view } = props;
  const pending = view.status === 'running' ? view.pending : null;
  const action = (what: string) => `/console/invocations/${view.id}/${what}`;
  const csrf = <input type="hidden" name="csrf" value={props.viewer.csrfToken} />;
  const values = props.values ?? {};
  return (
    <Layout title={`${view.skill} run`} viewer={props.viewer} active="issue">
      <p class="muted">
        <a href="/console/inbox">Inbox</a> / skill run <span class="mono">{view.id}</span>
      </p>
      <h1 id="invocation-title">
        {view.skill} {view.version} as {view.persona}
      </h1>
      <Flash error={props.error} notice={props.notice} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span id="invocation-status" class={`status-${view.status}`}>
            {view.status}
          </span>
          {view.liveStatus && view.liveStatus !== view.status ? <span class="muted"> ({view.liveStatus})</span> : null}
        </dd>
        <dt>Cost</dt>
        <dd>
          {formatUsd(view.costUsd)} of {formatUsd(view.budgetUsd)}
        </dd>
        <dt>Started by</dt>
        <dd>
          {view.triggeredBy}
          {view.entityType ? `, about ${view.entityType} ${view.entityId ?? ''}` : ''}, {formatTime(view.createdAt)}
        </dd>
        <OptionalFact term="Dry run">{view.dryRun ? 'yes: its reads reached the ERP, its writes were not sent, nobody was asked' : undefined}</OptionalFact>
        <OptionalFact term="Held">{view.held?.reason}</OptionalFact>
        <OptionalFact term="Error" class="status-failed">
          {view.error}
        </OptionalFact>
      </dl>
      {pending ? (
        <WaitPanel wait={pending} now={props.now}>
          <p>
            <strong>{pending.kind === 'question' ? 'The agent asks:' : 'The agent flagged this run for review:'}</strong>
          </p>
          <pre id="request-prompt">{pending.prompt}</pre>
          {pending.kind === 'question' ? (
            <form method="post" action={action('answer')} class="stack" id="invocation-answer-form">
              {csrf}
              <label for="invocation-answer">Your answer</label>
              <textarea id="invocation-answer" name="answer" rows={4} maxlength={20000} required>
                {values.answer ?? ''}
              </textarea>
              <div class="buttons">
                <button type="submit" class="primary">
                  Send the answer
                </button>
              </div>
            </form>
          ) : (
            <form method="post" action={action('decision')} class="stack" id="invocation-decision-form">
              {csrf}
              <label for="invocation-comment">
                Comment <span class="hint">(kept with the decision; an approval's comment reaches the agent)</span>
              </label>
              <textarea id="invocation-comment" name="comment" rows={3} maxlength={5000}>
                {values.comment ?? ''}
              </textarea>
              <div class="buttons" role="group" aria-label="Decision on the skill run">
                <button type="submit" name="decision" value="approve" class="primary">
                  Approve, and let it continue
                </button>
                <button type="submit" name="decision" value="reject" class="danger">
                  Reject (the run ends)
                </button>
              </div>
            </form>
          )}
        </WaitPanel>
      ) : null}
      <section aria-labelledby="input-heading">
        <h2 id="input-heading">Input</h2>
        <pre id="invocation-input">{JSON.stringify(view.input, null, 2)}</pre>
      </section>
      {view.output ? (
        <section aria-labelledby="output-heading">
          <h2 id="output-heading">Output</h2>
          <pre id="invocation-output">{JSON.stringify(view.output, null, 2)}</pre>
        </section>
      ) : null}
      {view.wouldWrite && view.wouldWrite.length > 0 ? (
        <section aria-labelledby="would-write-heading">
          <h2 id="would-write-heading">Would write (not sent)</h2>
          <ul id="invocation-would-write">
            {view.wouldWrite.map((write) => (
              <li>
                <span class="mono">
                  {write.method} {write.path}
                </span>
                <pre>{JSON.stringify(write.body ?? {}, null, 2)}</pre>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.requests && view.requests.length > 0 ? (
        <section aria-labelledby="requests-heading">
          <h2 id="requests-heading">People asked</h2>
          <ul id="invocation-requests">
            {view.requests.map((request) => (
              <li>
                {formatTime(request.askedAt)} · {request.kind}: {request.prompt} — <strong>{request.status}</strong>
                {request.respondedBy ? ` by ${request.respondedBy}` : ''}
                {request.response ? `: ${request.response}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
