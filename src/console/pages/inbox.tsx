import type { InboxItem } from '../../inbox/service';
import type { IssueView } from '../../issues/view';
import { formatTime, formatUsd, untilDeadline, waitLabel } from '../format';
import { Flash, Layout, type Viewer } from '../layout';

/** What waits for me (the inbox service, as GET /api/inbox), then the organization's latest issues. */
export function InboxPage(props: { viewer: Viewer; person: { userId: string; role: string } | null; items: InboxItem[]; recent: IssueView[]; now: number; notice?: string | undefined }) {
  const who = props.person ? `${props.person.userId} (${props.person.role})` : props.viewer.principal.key.reviewerUserId ? 'you' : 'this service key (every wait of the organization)';
  return (
    <Layout title="Inbox" viewer={props.viewer} active="inbox">
      <h1>Waiting for {who}</h1>
      <Flash notice={props.notice} />
      {props.items.length === 0 ? (
        <p id="inbox-empty">Nothing waits for you. New approvals, questions and budget raises appear here.</p>
      ) : (
        <table id="inbox">
          <caption class="muted">
            Soonest deadline first.
          </caption>
          <thead>
            <tr>
              <th scope="col">Issue</th>
              <th scope="col">Waiting for</th>
              <th scope="col">Deadline</th>
              <th scope="col">State</th>
              <th scope="col">Priority</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <tr data-id={item.id}>
                <td class="title">
                  <a href={`/console/${item.kind === 'issue' ? 'issues' : item.kind === 'build' ? 'builds' : 'invocations'}/${item.id}`}>{item.title}</a>
                  {item.prompt ? <div class="muted">{item.prompt.slice(0, 300)}</div> : null}
                  {item.kind === 'invocation' ? <div class="hint">A skill run.</div> : null}
                  {item.kind === 'build' ? <div class="hint">A builder's draft or proposal.</div> : null}
                </td>
                <td>{waitLabel(item)}</td>
                <td>
                  {item.deadline ? (
                    <>
                      <time datetime={item.deadline}>{formatTime(item.deadline)}</time>
                      <div class="muted">{untilDeadline(item.deadline, props.now)}</div>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {item.escalated ? <span class="badge escalated">escalated</span> : item.reminded ? <span class="badge reminded">reminded</span> : <span class="muted">waiting since {formatTime(item.since)}</span>}
                </td>
                <td>{item.priority ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="recent-heading">Latest issues</h2>
      {props.recent.length === 0 ? (
        <p>No issues yet.</p>
      ) : (
        <table aria-labelledby="recent-heading" id="recent">
          <thead>
            <tr>
              <th scope="col">Issue</th>
              <th scope="col">Status</th>
              <th scope="col">Stage</th>
              <th scope="col">Cost</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {props.recent.map((issue) => (
              <tr>
                <td class="title">
                  <a href={`/console/issues/${issue.id}`}>{issue.title}</a>
                </td>
                <td class={`status-${issue.status}`}>{issue.status}</td>
                <td>{issue.stage ?? '—'}</td>
                <td>{formatUsd(issue.costUsd)}</td>
                <td>{formatTime(issue.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
