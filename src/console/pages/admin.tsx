import { STAGES } from '../../contracts/issue';
import type { IssueHealthStats } from '../../db/issues';
import type { ControlsState } from '../../db/controls';
import type { IssueView } from '../../issues/view';
import type { LimiterState } from '../../../workflows/limiter';
import { formatTime } from '../format';
import { Flash, Layout, type Viewer } from '../layout';

export interface AdminPageProps {
  viewer: Viewer;
  stats: IssueHealthStats;
  /** The pipelines' concurrency limiter; undefined when it did not answer in time. */
  slots: LimiterState | undefined;
  controls: ControlsState | undefined;
  failures: IssueView[];
  error?: string | undefined;
  notice?: string | undefined;
}

/** The organization at a glance for its admins: queue and slots, the kill switch, recent failures. */
export function AdminPage(props: AdminPageProps) {
  const organizationId = props.viewer.principal.organization.id;
  const mine = (list: Array<{ organizationId: string }>) => list.filter((entry) => entry.organizationId === organizationId).length;
  const controls = props.controls;
  const csrf = <input type="hidden" name="csrf" value={props.viewer.csrfToken} />;
  return (
    <Layout title="Admin" viewer={props.viewer} active="admin">
      <h1>Admin · {props.viewer.principal.organization.name}</h1>
      <Flash error={props.error} notice={props.notice} />
      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading">Queue and slots</h2>
        <div class="stats" id="stats">
          <div>
            <strong>{props.stats.pending}</strong> queued (not started)
          </div>
          <div>
            <strong>{props.stats.running}</strong> running
          </div>
          <div>
            <strong>{props.stats.waitingForPeople}</strong> waiting for people
          </div>
          <div>
            <strong>{props.stats.failedLastHour}</strong> failed in the last hour
          </div>
        </div>
        {props.slots ? (
          <p id="slots">
            Pipeline slots (whole installation): {props.slots.running.length} of {props.slots.globalLimit} in use, {props.slots.waiting.length} waiting. This
            organization: {mine(props.slots.running)} running, {mine(props.slots.waiting)} waiting for a slot.
          </p>
        ) : (
          <p id="slots" class="muted">
            No slot use to show: the concurrency limiter did not answer (no concurrency limit is configured, no pipeline has asked for a slot yet, or Temporal is unreachable).
          </p>
        )}
      </section>
      <section aria-labelledby="controls-heading">
        <h2 id="controls-heading">Agents: paused or running</h2>
        {controls ? (
          <>
            <p id="paused-state">
              {controls.effective.paused ? (
                <strong class="status-failed">Paused: agents of this organization wait before their next step.</strong>
              ) : controls.effective.disabledStages.length > 0 ? (
                <strong>Stages held: {controls.effective.disabledStages.join(', ')}.</strong>
              ) : (
                <strong class="status-completed">Running: nothing holds this organization's agents.</strong>
              )}
              {controls.effective.reason ? ` Reason: ${controls.effective.reason}.` : ''}
            </p>
            <ul class="muted">
              <li>
                This organization: {controls.organization.paused ? 'paused' : 'not paused'}
                {controls.organization.disabledStages.length > 0 ? `, stages held: ${controls.organization.disabledStages.join(', ')}` : ''}
                {controls.organization.changedBy ? ` (by ${controls.organization.changedBy}, ${formatTime(controls.organization.changedAt)})` : ''}
              </li>
              <li>
                The installation (the operator's switch): {controls.installation.paused ? 'paused' : 'not paused'}
                {controls.installation.disabledStages.length > 0 ? `, stages held: ${controls.installation.disabledStages.join(', ')}` : ''}
              </li>
            </ul>
            <form method="post" action="/console/admin/controls" class="stack" id="controls-form">
              {csrf}
              <label for="controls-reason">
                Reason <span class="hint">(shown on held issues)</span>
              </label>
              <input type="text" id="controls-reason" name="reason" maxlength={500} />
              <fieldset>
                <legend>Only these stages (leave all unticked for everything)</legend>
                {STAGES.map((stage) => (
                  <label class="check">
                    <input type="checkbox" name="stages" value={stage} /> {stage}{' '}
                  </label>
                ))}
              </fieldset>
              <div class="buttons">
                <button type="submit" name="action" value="pause" class="danger">
                  Pause
                </button>
                <button type="submit" name="action" value="resume" class="primary">
                  Resume
                </button>
              </div>
            </form>
          </>
        ) : (
          <p>The kill switch is not available on this API.</p>
        )}
      </section>
      <section aria-labelledby="failures-heading">
        <h2 id="failures-heading">Recent failures</h2>
        {props.failures.length === 0 ? (
          <p id="failures-empty">No failed issues.</p>
        ) : (
          <table id="failures">
            <thead>
              <tr>
                <th scope="col">Issue</th>
                <th scope="col">Failed at</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {props.failures.map((issue) => (
                <tr>
                  <td class="title">
                    <a href={`/console/issues/${issue.id}`}>{issue.title}</a>
                  </td>
                  <td>{formatTime(issue.completedAt ?? issue.updatedAt)}</td>
                  <td>{issue.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
