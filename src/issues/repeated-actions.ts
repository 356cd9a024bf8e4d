import type { Answer, Decision } from '../contracts/people';
import type { IssueView } from './view';

/**
 * Whether a refused action repeats one the issue has recorded (a retry whose first answer was
 * lost): then the retry is answered 200 with the issue as it is, as for the first.
 */

/** The issue's latest decision is this one: same person, decision, comment, and gate if named. */
export function repeatsLatestDecision(view: IssueView, decision: Decision): boolean {
  const latest = view.decisions.at(-1);
  if (!latest) return false;
  return (
    latest.reviewer === decision.reviewer &&
    latest.decision === decision.decision &&
    (decision.gate === undefined || latest.gate === decision.gate) &&
    shown(latest.comment) === shown(decision.comment)
  );
}

/**
 * The question (the one named, else the latest) was answered by this person with this answer,
 * or — for a confirmation of the draft — answered by this person.
 */
export function repeatsRecordedAnswer(view: IssueView, answer: Answer): boolean {
  const question = answer.questionId ? view.questions.find((candidate) => candidate.id === answer.questionId) : view.questions.at(-1);
  if (!question || question.status !== 'answered' || question.answeredBy !== answer.answeredBy) return false;
  return answer.answer === undefined ? answer.confirm === true : shown(question.answer) === shown(answer.answer);
}

/** The live view keeps the first 500 characters of comments and answers: compare those. */
const shown = (text: string | null | undefined) => (text ?? '').slice(0, 500);
