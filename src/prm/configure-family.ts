/**
 * Which readout each PRM family may be served with, its default, and the family built for the
 * configured one. A probe cannot tell wrong scores from right ones (a pooling answer always looks
 * like numbers), so the defaults are the ways each model was trained to be read, and the
 * combinations known to give wrong numbers are refused at start-up with what to change.
 *
 * - `pooling`: vLLM `/pooling` (a pooling runner: STEP / ALL pooling of a reward head).
 * - `prompt_logprobs`: vLLM `/v1/completions` with `prompt_logprobs` (a generative runner).
 * - `embeddings`: `/v1/embeddings`, the only route of Skywork's own vLLM plugin (vLLM 0.6.4.post1,
 *   before `/pooling` existed), which answers ALL pooling of the value head as `embedding`.
 */
import { createMathShepherdFamily } from './math-shepherd';
import type { PrmFamily, PrmFamilyName, PrmReadoutRoute } from './prm-family';
import { getPrmFamily } from './families';

export { PRM_READOUTS, type PrmReadoutRoute } from './prm-family';

interface ReadoutRule {
  default: PrmReadoutRoute;
  /** Readouts refused, each with why and what to do instead. */
  refused: Partial<Record<PrmReadoutRoute, string>>;
}

const RULES: Readonly<Record<PrmFamilyName, ReadoutRule>> = {
  'qwen2.5-math-prm': {
    default: 'pooling',
    refused: {
      prompt_logprobs:
        'Qwen2.5-Math-PRM has a 2-way reward head and no language-model head: serve it with `vllm serve ... --runner pooling` and use readout pooling',
      embeddings:
        'Qwen2.5-Math-PRM is read by STEP pooling of its reward head on /pooling: use readout pooling',
    },
  },
  'math-shepherd': {
    default: 'prompt_logprobs',
    refused: {
      pooling:
        'math-shepherd-mistral-7b-prm is a causal LM: vLLM STEP pooling over it returns hidden-state columns, not the probabilities of "+"/"-" (vllm-project/vllm#16545), so every score would be wrong. Serve it generatively (plain `vllm serve peiyi9979/math-shepherd-mistral-7b-prm`) and use readout prompt_logprobs',
      embeddings: 'Math-Shepherd is read from prompt_logprobs: use readout prompt_logprobs',
    },
  },
  rlhflow: {
    default: 'prompt_logprobs',
    refused: {
      pooling:
        'RLHFlow PRMs are Llama-3.1 chat models read from the probability of "+" vs "-": serve them generatively and use readout prompt_logprobs',
      embeddings: 'RLHFlow PRMs are read from prompt_logprobs: use readout prompt_logprobs',
    },
  },
  'skywork-o1': {
    default: 'embeddings',
    refused: {
      prompt_logprobs:
        'Skywork-o1-Open-PRM has a scalar value head, no label tokens: use readout embeddings (Skywork plugin, vLLM 0.6.4.post1) or pooling (a port to a current vLLM)',
    },
  },
  outcome: {
    default: 'pooling',
    refused: {
      prompt_logprobs: 'outcome scorers are read from one pooled pair: use readout pooling',
      embeddings: 'outcome scorers are read from /pooling: use readout pooling',
    },
  },
};

/** The readout a family is served with when the config names none. */
export function defaultPrmReadout(name: PrmFamilyName): PrmReadoutRoute {
  return RULES[name].default;
}

export interface ConfiguredPrmFamily {
  family: PrmFamily;
  readout: PrmReadoutRoute;
}

/**
 * The family to score with for a configured readout.
 * @throws Error whose message says why the combination gives wrong scores and what to set.
 */
export function configurePrmFamily(
  name: PrmFamilyName,
  readout: PrmReadoutRoute | undefined,
): ConfiguredPrmFamily {
  const chosen = readout ?? RULES[name].default;
  const refusal = RULES[name].refused[chosen];
  if (refusal !== undefined) throw new Error(`readout ${chosen} is wrong for ${name}: ${refusal}`);
  if (name === 'math-shepherd')
    return { family: createMathShepherdFamily({ readout: 'prompt-logprobs' }), readout: chosen };
  return { family: getPrmFamily(name), readout: chosen };
}
