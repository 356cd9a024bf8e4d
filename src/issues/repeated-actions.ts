import type { Answer, Decision } from '../contracts/people';
import type { IssueView } from './view';

/**
 * Whether a refused action repeats one the issue has recorded (a retry whose first answer was
 * lost): then the retry is answered 200 with the issue as it is, as for the first.
 */

/**
 * The issue's latest decision is this one: same gate, person, decision and comment. Only a
 * decision that names its gate can be recognised: without it, a retry cannot be told from a
 * decision meant for a gate that is not open (yet), which must stay a 409.
 */
export function repeatsLatestDecision(view: IssueView, decision: Decision): boolean {
  const latest = view.decisions.at(-1);
  if (!latest || decision.gate === undefined) return false;
  return latest.gate === decision.gate && latest.reviewer === decision.reviewer && latest.decision === decision.decision && shown(latest.comment) === shown(decision.comment);
}

/**
 * The question named was answered by this person with this answer, or — for a confirmation of
 * the draft — answered by this person. Only an answer that names its question can be
 * recognised (the same reason as above).
 */
export function repeatsRecordedAnswer(view: IssueView, answer: Answer): boolean {
  if (!answer.questionId) return false;
  const question = view.questions.find((candidate) => candidate.id === answer.questionId);
  if (!question || question.status !== 'answered' || question.answeredBy !== answer.answeredBy) return false;
  return answer.answer === undefined ? answer.confirm === true : shown(question.answer) === shown(answer.answer);
}

/** The live view keeps the first 500 characters of comments and answers: compare those. */
const shown = (text: string | null | undefined) => (text ?? '').slice(0, 500);
