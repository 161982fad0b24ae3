/**
 * The per-request scope rule: does this request get test-time scaling, or does it pass straight
 * through to the policy upstream unchanged? Requests TTS cannot serve faithfully (tools, JSON
 * modes, images, logprobs, …: found on the wire by the server) always pass through, with the
 * reason, even with an explicit budget; a DEFAULT budget applies only to requests that look like
 * single-answer problems unless the model's `default_budget_scope` says `all`. The rules are
 * documented in docs/request-scope.md.
 */
import {
  looksLikeClientTask,
  looksSingleAnswer,
  type SingleAnswerVerdict,
} from './looks-single-answer';
import type { DefaultBudgetScope } from '../contracts';

/** Why a request that could have run TTS passes through; stable codes (header and metadata). */
export type PassThroughCode =
  | 'tools'
  | 'structured-output'
  | 'non-text-content'
  | 'logprobs'
  | 'not-a-user-turn'
  | 'no-question'
  | 'open-ended'
  | 'stop-sequences';

/** Something on the wire that TTS cannot serve faithfully (found by the server). */
export interface ScopeBlocker {
  code: Exclude<PassThroughCode, 'open-ended' | 'stop-sequences'>;
  /** What was found and why TTS cannot serve it, in words. */
  message: string;
}

/**
 * Where the budget came from: the request itself (header, body, x-tts-ab), the model alias alone
 * (`model@best_of_n:16`: chosen once in a chat UI for every request of the chat, its background
 * tasks included), or the model's default.
 */
export type BudgetOrigin = 'request' | 'alias' | 'default';

export type { DefaultBudgetScope };

export interface ScopeInput {
  blockers: readonly ScopeBlocker[];
  origin: BudgetOrigin;
  /** The text the heuristic reads: the last user turn. */
  lastUserText: string;
  /** The client set `stop` strings. */
  hasStop: boolean;
  defaultBudgetScope: DefaultBudgetScope;
}

export type ScopeDecision =
  | { kind: 'tts'; verdict: SingleAnswerVerdict }
  | {
      kind: 'passthrough';
      code: PassThroughCode;
      reason: string;
      /** Set when the client asked for a budget that is not spent (it should know why). */
      warning: string | null;
    };

/** Decide one request's scope (pure; the caller has already found the wire blockers). */
export function decideScope(input: ScopeInput): ScopeDecision {
  const first = input.blockers[0];
  if (first !== undefined) {
    const reason = input.blockers.map((blocker) => blocker.message).join('; ');
    return {
      kind: 'passthrough',
      code: first.code,
      reason: `passed through unchanged: ${reason}`,
      warning:
        input.origin === 'request'
          ? `the requested test-time-scaling budget was not spent: ${reason}`
          : null,
    };
  }
  // A chat UI sends its title, tags and follow-up tasks with the model the user picked: an
  // alias's budget is meant for the answers (review 26 clients M1: 16 samples for a title).
  if (input.origin === 'alias') {
    const task = looksLikeClientTask(input.lastUserText);
    if (task !== null)
      return {
        kind: 'passthrough',
        code: 'open-ended',
        reason: `passed through unchanged: the budget came with the model alias, and the last user turn ${task}`,
        warning: `the model alias's test-time-scaling budget was not spent: the last user turn ${task}`,
      };
  }
  const isDefaultForAnswers =
    input.origin === 'default' && input.defaultBudgetScope === 'single-answer';
  // Stop strings are a text protocol (a ReAct or code agent's `Observation:`): the client wants
  // one generation that halts there, which a search of whole solutions cannot give (review 26
  // clients H2). Asked for explicitly, the search still runs and cuts each answer at them.
  if (isDefaultForAnswers && input.hasStop)
    return {
      kind: 'passthrough',
      code: 'stop-sequences',
      reason:
        'passed through unchanged: the default budget covers single-answer problems only (default_budget_scope: single-answer) and the request sets stop strings, the mark of a text protocol (an agent waiting for its next Observation) that a search of whole solutions cannot stop at',
      warning: null,
    };
  const verdict = looksSingleAnswer(input.lastUserText);
  if (isDefaultForAnswers && !verdict.looksSingleAnswer) {
    return {
      kind: 'passthrough',
      code: 'open-ended',
      reason: `passed through unchanged: the default budget covers single-answer problems only (default_budget_scope: single-answer) and the last user turn ${verdict.reason}`,
      warning: null,
    };
  }
  return { kind: 'tts', verdict };
}
