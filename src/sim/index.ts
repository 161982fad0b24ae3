/**
 * @module sim
 *
 * A SIMULATED vLLM upstream for tts-proxy: tests, demos and benchmarks run the whole
 * test-time-scaling pipeline without a GPU. One simulator process serves one model, like
 * `vllm serve`: a policy LLM (`/v1/completions`, `/v1/chat/completions`) or a reward model
 * (`/pooling`, or generative judging for RLHFlow), plus `/tokenize`, `/detokenize`, `/v1/models`,
 * `/health` and `/version`, with vLLM ≈ 0.10.2 wire shapes and error bodies (`vllmVersion: '0.10.1'`
 * drops what 0.10.2 added: `return_token_ids`).
 *
 * The simulator is honest about itself: model ids contain "sim", `/v1/models` entries carry
 * `owned_by: "tts-proxy-simulator"` and `simulated: true`, `/version` says `0.10.2+sim`, and the
 * startup log line says it is simulated.
 *
 * Behind the routes is a synthetic math world (`world/`): every question hashes to a latent
 * problem with a difficulty, an integer answer reached in K steps, and distractor answers.
 * Policy accuracy follows model size, PRM scores are noisy signals of step correctness, so
 * Best-of-N, beam search and DVTS behave roughly as they do on real models.
 *
 * Boundary: this folder imports nothing from other `src/` folders. It parses the wire formats and
 * PRM inputs on its own, so it cannot share the proxy's bugs.
 */

export type {
  PrmFamily,
  RunningSimulator,
  SimFaults,
  SimLatency,
  SimPolicyModel,
  SimPrmModel,
  SimStats,
  SimulatorOptions,
  SimVllmVersion,
} from './sim-options';
export { simulatedModelId } from './sim-options';
export { startSimulator } from './start-simulator';
export { SIMULATED_VLLM_VERSION } from './http/routes/info-routes';
export { describeProblem } from './world/problem-world';
export { generateProblems } from './world/generate-problems';
export {
  expectedPassAtOne,
  expectedStepCorrectProbability,
  type PolicyFamily,
} from './world/policy-strength';
export {
  answerForm,
  distinctAnswers,
  type AnswerForm,
  type AnswerFormKind,
} from './world/answer-forms';
export { meanPassAtOne } from './world/policy-strength';
export { writeContinuation, type ContinuationOptions } from './world/write-continuation';
export { solutionPrefixOf } from './world/solution-prefix';
export { judgeSteps, type JudgeOptions } from './world/judge-steps';
export {
  judgeProfileFor,
  policyStrength,
  rewardKnobsFor,
  type JudgeProfile,
  type PolicyIdentity,
  type RewardKnobs,
  type SimPrmFamily,
} from './reward/reward-profile';
