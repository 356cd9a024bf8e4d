import type { Child } from 'hono/jsx';
import type { IssueView } from '../../issues/view';
import { formatTime, formatUsd, untilDeadline, waitLabel } from '../format';

/** What the reviewer typed, given back when the API refused it (so nothing is lost). */
export interface FormValues {
  comment?: string | undefined;
  answer?: string | undefined;
  budgetUsd?: string | undefined;
}

type Pending = NonNullable<IssueView['pending']>;

/**
 * The wait the issue is in — what, until when, reminded or escalated — and the form that settles
 * it: approve / request changes / reject with a comment at a gate, answer a question (or confirm
 * the drafted answer), raise the budget, approve a held command once or for the rest of the
 * issue or deny it with a comment for the agent. Each posts to /console/issues/:id/… with the session's
 * CSRF token; the API's services decide, and a refusal comes back on this page.
 */
export function WaitingPanel(props: { issueId: string; pending: Pending; csrfToken: string; values: FormValues; now: number }) {
  const { pending } = props;
  const action = (what: string) => `/console/issues/${props.issueId}/${what}`;
  const csrf = <input type="hidden" name="csrf" value={props.csrfToken} />;
  return (
    <WaitPanel wait={pending} now={props.now}>
      {pending.kind === 'approval' ? (
        <form method="post" action={action('decision')} class="stack" id="decision-form">
          {csrf}
          <input type="hidden" name="gate" value={pending.gate} />
          <label for="decision-comment">
            Comment <span class="hint">(needed to request changes; shown to the agents and kept with the decision)</span>
          </label>
          <textarea id="decision-comment" name="comment" rows={4} maxlength={10000}>
            {props.values.comment ?? ''}
          </textarea>
          <div class="buttons" role="group" aria-label={`Decision at the ${pending.gate} gate`}>
            <button type="submit" name="decision" value="approve" class="primary">
              Approve {pending.gate === 'plan' ? 'the plan' : 'the change'}
            </button>
            <button type="submit" name="decision" value="request_changes">
              Request changes
            </button>
            <button type="submit" name="decision" value="reject" class="danger">
              Reject
            </button>
          </div>
        </form>
      ) : pending.kind === 'question' ? (
        <>
          <p>
            <strong>The {pending.stage} agent asks:</strong>
          </p>
          <pre id="question-text">{pending.question}</pre>
          {pending.draftAnswer ? (
            <>
              <p>
                <strong>Drafted answer</strong> (the controller's; confirm it or write your own):
              </p>
              <pre id="draft-answer">{pending.draftAnswer}</pre>
            </>
          ) : null}
          <form method="post" action={action('answer')} class="stack" id="answer-form">
            {csrf}
            <input type="hidden" name="questionId" value={pending.questionId} />
            <label for="answer-text">Your answer</label>
            <textarea id="answer-text" name="answer" rows={4} maxlength={20000}>
              {props.values.answer ?? ''}
            </textarea>
            <div class="buttons">
              <button type="submit" class="primary">
                Send the answer
              </button>
              {pending.draftAnswer ? (
                <button type="submit" name="confirm" value="yes">
                  Confirm the drafted answer
                </button>
              ) : null}
            </div>
          </form>
        </>
      ) : pending.kind === 'budget' ? (
        <>
          <p>
            Spent {formatUsd(pending.spentUsd)} of the {formatUsd(pending.budgetUsd)} budget: the agents wait until the budget is raised.
          </p>
          <form method="post" action={action('budget')} class="stack" id="budget-form">
            {csrf}
            <label for="budget-usd">
              New total budget in USD <span class="hint">(above what was spent; admins, by default)</span>
            </label>
            <input type="number" id="budget-usd" name="budgetUsd" min="0.01" max="10000" step="0.01" required value={props.values.budgetUsd ?? ''} />
            <div class="buttons">
              <button type="submit" class="primary">
                Raise the budget
              </button>
            </div>
          </form>
        </>
      ) : pending.kind === 'command' ? (
        <>
          <p>
            <strong>The {pending.stage} agent wants to run</strong> a command classified <span class={`badge command-${pending.classification}`}>{pending.classification}</span> ({pending.reason}):
          </p>
          {/* argv as a JSON array: each argument exactly as it would be passed, spaces and quotes included. */}
          <pre id="command-argv">{JSON.stringify(pending.argv)}</pre>
          <form method="post" action={action('command')} class="stack" id="command-form">
            {csrf}
            <input type="hidden" name="toolUseId" value={pending.toolUseId} />
            <label for="command-comment">
              Comment <span class="hint">(needed to deny; the agent reads it instead of the command's output)</span>
            </label>
            <textarea id="command-comment" name="comment" rows={3} maxlength={2000}>
              {props.values.comment ?? ''}
            </textarea>
            <div class="buttons" role="group" aria-label="Decision on the command">
              <button type="submit" name="decision" value="approve" class="primary">
                Run it once
              </button>
              <button type="submit" name="decision" value="approve_for_issue">
                Run it, and this command unasked for the rest of the issue
              </button>
              <button type="submit" name="decision" value="deny" class="danger">
                Deny
              </button>
            </div>
          </form>
        </>
      ) : (
        <p>
          This wait is settled through the API or <code>npm run review</code>.
        </p>
      )}
    </WaitPanel>
  );
}

/** A wait's panel: what it waits for, until when, since when, reminded or escalated; the form inside. */
export function WaitPanel(props: { wait: { kind: string; since: string; deadline: string; reminded?: boolean; escalated?: boolean; gate?: string }; now: number; children: Child }) {
  const { wait } = props;
  return (
    <section class="panel waiting" aria-labelledby="waiting-heading" id="waiting">
      <h2 id="waiting-heading" class="flush">
        Waiting for: {waitLabel(wait)}
      </h2>
      <p>
        Until <time datetime={wait.deadline}>{formatTime(wait.deadline)}</time> ({untilDeadline(wait.deadline, props.now)}) · waiting since {formatTime(wait.since)}
        {wait.escalated ? (
          <>
            {' '}
            · <span class="badge escalated">escalated</span>
          </>
        ) : wait.reminded ? (
          <>
            {' '}
            · <span class="badge reminded">reminded</span>
          </>
        ) : null}
      </p>
      {props.children}
    </section>
  );
}
