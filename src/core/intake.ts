// Taking in the comments of an issue: in order, each once, only those made
// (and last edited) before the run started, only from people who may steer.
import { cleanUntrusted } from './clean.js';
import { readComment, type Command, type CommentMeaning } from './commands.js';
import { answeredQuestions, recordAnswer, recordApproval, type GateRecord, type PlanFingerprint } from './gates.js';
import { ownMarker } from './marker.js';
import { blockedStatus, resumeStatus, type SessionStatus } from './status.js';
import { PHASE_TABLE } from './phases.js';
import { appendNote, expandAnswer, parseQuestions, setAnswer } from './qa.js';

export interface IssueComment {
  id: number;
  author: string;
  authorType: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface Selection {
  /** Comments to read, oldest first. */
  take: IssueComment[];
  /** The newest id that may be recorded as taken in after reading `take`. */
  lastId: number | null;
}

const KEEP_PROCESSED = 200;

/* GitHub dates comments to the second and our times carry milliseconds: compare instants, never strings. */
const instant = (iso: string) => Date.parse(iso);
/** Made or last edited after the run started: too new to trust in this run. */
const tooNew = (comment: IssueComment, runStartedAt: string) =>
  instant(comment.createdAt) > instant(runStartedAt) || instant(comment.updatedAt) > instant(runStartedAt);

/**
 * Every comment after `Last Comment`, oldest first, stopping at the first one
 * created or edited at or after the run's start: that one waits for the next
 * run, which will trust it.
 */
export function selectComments(
  comments: IssueComment[],
  lastComment: string | null,
  gates: GateRecord,
  runStartedAt: string,
  /** Only a comment by someone who may steer can hold the intake back; others are passed over. */
  mayGovern: (login: string) => boolean = () => true,
): Selection {
  const after = lastComment === null ? -1 : Number(lastComment);
  const seen = new Set(gates.processedComments);
  const take: IssueComment[] = [];
  let lastId: number | null = null;
  for (const comment of [...comments].sort((a, b) => a.id - b.id)) {
    if (comment.id <= after) continue;
    if (tooNew(comment, runStartedAt)) {
      if (mayGovern(comment.author)) break;
      lastId = comment.id;
      continue;
    }
    lastId = comment.id;
    if (seen.has(comment.id) || ownMarker(comment.body)) continue;
    take.push(comment);
  }
  return { take, lastId };
}

export interface IntakeState {
  status: SessionStatus;
  gates: GateRecord;
  qa: string | null;
  /** The plan as it was posted on the issue, which is what `/approve` approves. */
  postedPlan: PlanFingerprint | null;
  /**
   * The id of the action's own comment that opened the gate now waiting (the
   * questions, the plan). Only comments after it answer or approve: comment
   * ids only grow, so nobody approves a plan or answers questions unseen.
   */
  gateCommentId?: number | null;
}

export interface Reply {
  to: number;
  text: string;
}

/**
 * A reaction on a comment taken in: quiet, and no notification. `+1` for an
 * approval recorded, `eyes` for anything else read and acted on. A comment
 * that gets a reply, or a /status post, is acknowledged by that instead.
 */
export interface Reaction {
  to: number;
  content: '+1' | 'eyes';
}

export interface IntakeResult extends IntakeState {
  replies: Reply[];
  reactions: Reaction[];
  feedback: { by: string; commentId: number; text: string }[];
  postStatus: boolean;
  changed: boolean;
}

/** What the intake builds up, comment by comment. */
interface Intake {
  state: IntakeState;
  status: SessionStatus;
  gates: GateRecord;
  qa: string | null;
  replies: Reply[];
  reactions: Reaction[];
  feedback: IntakeResult['feedback'];
  postStatus: boolean;
  /** People already replied to in this run. */
  answered: Set<string>;
  now: string;
}

export function takeInComments(
  state: IntakeState,
  comments: IssueComment[],
  lastId: number | null,
  mayGovern: (login: string) => boolean,
  now: string,
): IntakeResult {
  const intake: Intake = { state, status: state.status, gates: state.gates, qa: state.qa, replies: [], reactions: [], feedback: [], postStatus: false, answered: new Set(), now };
  const processed: number[] = [];
  for (const comment of comments) {
    processed.push(comment.id);
    const meaning = readComment(cleanUntrusted(comment.body));
    if (!mayGovern(comment.author)) {
      // A command, or an answer to a gate that waits, from a reader: one short reply. Other talk is theirs.
      if (meaning.kind === 'command' || (waitingFor(intake) && afterGate(intake, comment))) {
        reply(intake, comment, `@${comment.author} only people with write access to this repository can steer samocode; nothing changed.`);
      }
      continue;
    }
    const approvals = intake.gates.approvals.length;
    const acted = meaning.kind === 'command' ? applyCommand(intake, comment, meaning.command) : takeGateReply(intake, comment, meaning);
    if (acted) {
      intake.reactions.push({ to: comment.id, content: intake.gates.approvals.length > approvals ? '+1' : 'eyes' });
    }
  }
  return finishIntake(intake, processed, lastId);
}

// One reply per person per run, and only to commands: a flood of comments gets no flood back.
function reply(intake: Intake, comment: IssueComment, text: string): void {
  if (intake.answered.has(comment.author)) return;
  intake.answered.add(comment.author);
  intake.replies.push({ to: comment.id, text });
}

// A gate counts only what was written after it opened: no approving a plan, or answering questions, unseen.
// Null: the gate's comment was looked for and is not there (posting it failed), so nothing answers it yet.
function afterGate(intake: Intake, comment: IssueComment): boolean {
  const opened = intake.state.gateCommentId;
  if (opened === undefined) return true;
  return opened !== null && comment.id > opened;
}

function waitingFor(intake: Intake) {
  return intake.status.next.kind === 'waiting' ? intake.status.next.gate : null;
}

/** True when the command was read and acted on without a post of its own (a reply, a status). */
function applyCommand(intake: Intake, comment: IssueComment, command: Command): boolean {
  const { status, state } = intake;
  const by = `@${comment.author}`;
  switch (command) {
    case 'approve':
      if (waitingFor(intake) === 'plan_approval' && state.postedPlan && afterGate(intake, comment)) {
        const { file: plan, blob } = state.postedPlan;
        intake.gates = recordApproval(intake.gates, { plan, blob, by: comment.author, at: intake.now, source: 'issue comment', commentId: comment.id });
        intake.status = { ...status, lastAction: `plan approved by ${by}` };
      } else {
        reply(intake, comment, `${by} no plan was waiting for approval when this was written; nothing changed.`);
        return false;
      }
      break;
    case 'stop':
      intake.status = blockedStatus(status, `stopped by ${by}`, `stopped by ${by}`);
      break;
    case 'resume':
      if (status.blocked) intake.status = resumeStatus(status, PHASE_TABLE[status.phase].maxIterations, by);
      else if (status.next.kind !== 'done') intake.status = { ...status, lastAction: `resume requested by ${by}` };
      break;
    case 'status':
      intake.postStatus = true;
      return false;
  }
  return true;
}

/** Text while a gate waits: answers to the questions, or changes asked of the plan. */
function takeGateReply(intake: Intake, comment: IssueComment, meaning: CommentMeaning & { kind: 'text' }): boolean {
  const gate = waitingFor(intake);
  if (!gate || !afterGate(intake, comment)) return false;
  if (gate === 'qa_answers') {
    ({ qa: intake.qa, gates: intake.gates } = takeAnswers(intake.qa ?? '', intake.gates, meaning.answers, meaning.text, comment, intake.now));
    intake.status = { ...intake.status, lastAction: `answers from @${comment.author}` };
  } else {
    intake.feedback.push({ by: comment.author, commentId: comment.id, text: meaning.text });
    intake.gates = { ...intake.gates, pending: null };
    intake.status = { ...intake.status, next: { kind: 'continue' }, lastAction: `changes to the plan asked by @${comment.author}` };
  }
  return true;
}

function finishIntake(intake: Intake, processed: number[], lastId: number | null): IntakeResult {
  const { state, replies, reactions, feedback, postStatus, qa } = intake;
  let { status, gates } = intake;
  const newest = lastId ?? (processed.length ? Math.max(...processed) : null);
  if (newest !== null && (status.lastComment === null || newest > Number(status.lastComment))) {
    status = { ...status, lastComment: String(newest) };
  }
  if (processed.length) gates = { ...gates, processedComments: [...gates.processedComments, ...processed].slice(-KEEP_PROCESSED) };
  const changed = processed.length > 0 || status.lastComment !== state.status.lastComment;
  return { status, gates, qa, postedPlan: state.postedPlan, gateCommentId: state.gateCommentId, replies, reactions, feedback, postStatus, changed };
}

function takeAnswers(
  qa: string,
  gates: GateRecord,
  answers: { question: string; answer: string }[],
  text: string,
  comment: IssueComment,
  now: string,
): { qa: string; gates: GateRecord } {
  const questions = parseQuestions(qa);
  const asked = new Set([...gates.asked, ...questions.map((q) => q.id)]);
  const known = answers.filter((a) => asked.has(a.question));
  const base = { by: comment.author, at: now, source: 'issue comment', commentId: comment.id };
  if (known.length > 0) {
    for (const { question, answer } of known) {
      const full = expandAnswer(questions.find((q) => q.id === question), answer);
      qa = setAnswer(qa, question, `${full} (@${comment.author})`);
      gates = recordAnswer(gates, { ...base, questions: [question], text: full });
    }
    // Whatever else the comment says goes under the questions too.
    const rest = text
      .split('\n')
      .filter((line) => !known.some((a) => new RegExp(`^\\s*(?:[-*]\\s*)?\\*{0,2}(?:Q\\s*)?${a.question.slice(1)}\\b`, 'i').test(line)))
      .join('\n')
      .trim();
    if (rest) qa = appendNote(qa, `More from @${comment.author}`, rest);
    return { qa, gates };
  }
  // Free text answers everything still open.
  const open = [...new Set([...gates.asked.filter((id) => !answeredQuestions(gates).has(id)), ...questions.filter((q) => q.answer === null).map((q) => q.id)])];
  for (const id of open) qa = setAnswer(qa, id, `see the answer from @${comment.author} below`);
  qa = appendNote(qa, `Answer from @${comment.author}`, text);
  gates = recordAnswer(gates, { ...base, questions: open, text });
  return { qa, gates };
}
