import type { SkillBuildService } from '../../builds/service';
import { formatTime, formatUsd } from '../format';
import { Flash, Layout, OptionalFact, type Viewer } from '../layout';
import type { FormValues } from './issue-actions';

export type BuildView = Awaited<ReturnType<SkillBuildService['get']>>;

/**
 * One builder run (README "Builder agents"): what was asked, what the agent made — a skill's
 * draft and its dry runs with the writes they did not send, or the ERP records proposed, as the
 * exact payloads — what was created, the decisions, and (while it waits, for admins) the form
 * that decides. The form posts to /console/builds/:id/decision and goes through the same service,
 * checks and audit trail as POST /api/builds/:id/approval.
 */
export function BuildPage(props: { viewer: Viewer; view: BuildView; error?: string | undefined; notice?: string | undefined; values?: FormValues }) {
  const { view } = props;
  const csrf = <input type="hidden" name="csrf" value={props.viewer.csrfToken} />;
  const waiting = view.status === 'awaiting_approval';
  const outcome = view.kind === 'form' || view.kind === 'workflow' ? 'creates the proposed records in the ERP, once each' : `publishes ${view.draft ? `${view.skill} ${view.draft.version}` : 'the draft'}`;
  return (
    <Layout title={`${view.builder} build`} viewer={props.viewer} active="inbox">
      <p class="muted">
        <a href="/console/inbox">Inbox</a> / build <span class="mono">{view.id}</span>
      </p>
      <h1 id="build-title">
        {view.builder}
        {view.skill ? `: ${view.skill}` : ''}
      </h1>
      <Flash error={props.error} notice={props.notice} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span id="build-status" class={`status-${view.status}`}>
            {view.status}
          </span>{' '}
          <span class="muted">round {view.round + 1}</span>
        </dd>
        <dt>Cost</dt>
        <dd id="build-cost">{formatUsd(view.costUsd)}</dd>
        <dt>Asked by</dt>
        <dd>
          {view.requestedBy}, {formatTime(view.createdAt)}
        </dd>
        <OptionalFact term="Dry runs as">{view.persona ?? undefined}</OptionalFact>
        <OptionalFact term="Published">{view.publishedVersion ?? undefined}</OptionalFact>
        <OptionalFact term="Error" class="status-failed">
          {view.error ?? undefined}
        </OptionalFact>
      </dl>
      <section aria-labelledby="request-heading">
        <h2 id="request-heading">What was asked</h2>
        <pre id="build-description">{view.description}</pre>
      </section>
      {waiting ? (
        <section class="panel waiting" aria-labelledby="waiting-heading" id="waiting">
          <h2 id="waiting-heading" class="flush">
            Waiting for: a decision on round {view.round + 1}
          </h2>
          <p>Approving {outcome}. Only a person whose role may publish skills decides.</p>
          <form method="post" action={`/console/builds/${view.id}/decision`} class="stack" id="build-decision-form">
            {csrf}
            <input type="hidden" name="round" value={String(view.round)} />
            {view.checksum ? <input type="hidden" name="checksum" value={view.checksum} /> : null}
            <label for="build-comment">
              Comment <span class="hint">(needed to request changes: the agent reads it in the next round)</span>
            </label>
            <textarea id="build-comment" name="comment" rows={3} maxlength={5000}>
              {props.values?.comment ?? ''}
            </textarea>
            <div class="buttons" role="group" aria-label="Decision on the build">
              <button type="submit" name="decision" value="approve" class="primary">
                Approve
              </button>
              <button type="submit" name="decision" value="request_changes">
                Request changes
              </button>
              <button type="submit" name="decision" value="reject" class="danger">
                Reject (the build ends)
              </button>
            </div>
          </form>
        </section>
      ) : null}
      {view.draft ? (
        <section aria-labelledby="draft-heading">
          <h2 id="draft-heading">
            Draft {view.draft.version} <span class="muted">({view.draft.bump})</span>
          </h2>
          <p id="build-changelog">{view.draft.changelog}</p>
          {view.draft.reasons.length > 0 ? (
            <ul id="build-reasons">
              {view.draft.reasons.map((reason) => (
                <li>{reason}</li>
              ))}
            </ul>
          ) : null}
          <p class="muted">{view.draft.rationale}</p>
          {view.draft.citedFeedback.length > 0 ? <p class="muted">Answers feedback {view.draft.citedFeedback.join(', ')}</p> : null}
          <pre id="build-source">{view.draft.source}</pre>
        </section>
      ) : null}
      {view.dryRuns.length > 0 ? (
        <section aria-labelledby="dry-runs-heading">
          <h2 id="dry-runs-heading">Dry runs</h2>
          <ul id="build-dry-runs">
            {view.dryRuns.map((run) => (
              <li>
                <a href={`/console/invocations/${run.invocationId}`}>{run.status}</a> on <span class="mono">{JSON.stringify(run.input)}</span>
                {run.error ? <div class="status-failed">{run.error}</div> : null}
                {run.output ? <pre>{JSON.stringify(run.output, null, 2)}</pre> : null}
                {run.wouldWrite.length > 0 ? (
                  <div>
                    Would write (not sent):
                    {run.wouldWrite.map((write) => (
                      <pre>
                        {write.method} {write.path}
                        {'\n'}
                        {JSON.stringify(write.body ?? {}, null, 2)}
                      </pre>
                    ))}
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.proposal ? (
        <section aria-labelledby="proposal-heading">
          <h2 id="proposal-heading">Proposal (round {view.proposal.round + 1})</h2>
          {view.proposal.summary ? <p id="proposal-summary">{view.proposal.summary}</p> : null}
          {view.proposal.rationale ? <p class="muted">{view.proposal.rationale}</p> : null}
          <ol id="proposal-records">
            {view.proposal.records.map((record) => (
              <li>
                <span class="mono">POST /{record.collection}</span>
                <pre>{JSON.stringify(record.payload, null, 2)}</pre>
              </li>
            ))}
          </ol>
          <p class="hint">
            Checksum <span class="mono">{view.proposal.checksum}</span>: creating refuses any other proposal.
          </p>
        </section>
      ) : null}
      {view.created.length > 0 ? (
        <section aria-labelledby="created-heading">
          <h2 id="created-heading">Created in the ERP</h2>
          <ul id="build-created">
            {view.created.map((record) => (
              <li>
                {record.name} <span class="mono">{record.collection}/{record.id}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.decisions.length > 0 ? (
        <section aria-labelledby="decisions-heading">
          <h2 id="decisions-heading">Decisions</h2>
          <ul id="build-decisions">
            {view.decisions.map((decision) => (
              <li>
                Round {decision.round + 1}: <strong>{decision.decision}</strong> by {decision.reviewer}, {formatTime(decision.at)}
                {decision.comment ? `: ${decision.comment}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
