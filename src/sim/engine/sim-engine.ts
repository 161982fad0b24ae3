import { hashParts, unitFromHash } from '../hash-text';
import { poolOutcome } from '../reward/outcome-pooling';
import { judgeProfileFor, rewardKnobsFor } from '../reward/reward-profile';
import type { PoolingData } from '../reward/prm-output';
import { poolQwenPrm } from '../reward/qwen-prm-pooling';
import { judgeRlhflowConversation } from '../reward/rlhflow-judgement';
import { poolShepherd } from '../reward/shepherd-pooling';
import { poolSkywork } from '../reward/skywork-pooling';
import { isPrmModel, simulatedModelId, type SimulatorOptions } from '../sim-options';
import type { TemplateKind } from '../template/render-chat';
import { getSimTokenizer, type SimTokenizer } from '../tokenizer/sim-tokenizer';
import type { GenerationConfigDefaults } from '../http/sampling-params';
import type { VocabularyKind } from '../tokenizer/vocabularies';
import { parseSolutionPrefix } from '../world/solution-prefix';
import type { StepStyle } from '../world/step-text';
import { writeContinuation } from '../world/write-continuation';

/** Sampling of one sequence (one choice). */
export interface SequenceSampling {
  /** Null for greedy decoding. */
  seed: number | null;
  temperature: number;
  diversity: number;
}

/** A forced distribution for the first generated token (the RLHFlow "+"/"-" label). */
export interface LabelDistribution {
  plusId: number;
  minusId: number;
  plusProbability: number;
}

export interface Continuation {
  /** Everything the model would write until EOS. */
  text: string;
  firstToken: LabelDistribution | null;
}

/** One simulated model: what the HTTP layer asks of it, independent of routes and wire shapes. */
export interface SimEngine {
  modelId: string;
  /** Original servedName, reported as `root` in /v1/models. */
  root: string;
  role: 'policy' | 'prm';
  family: string;
  tokenizer: SimTokenizer;
  template: TemplateKind;
  maxModelLen: number;
  /** The model's generation_config.json sampling, applied to fields a request omits. */
  generationConfig: GenerationConfigDefaults;
  /**
   * Generation (completions and chat): reads a prompt once and returns its sampler, which writes
   * one sequence per call; null for pooling-only models. With `stop` given, the sampler may stop
   * writing once a stop string ends the sequence ("\n\n" after a step): what it leaves out is
   * what the server would cut anyway.
   */
  continuePrompt:
    | ((prompt: string, stop?: readonly string[]) => (sampling: SequenceSampling) => Continuation)
    | null;
  /** Token index → P(+) at label positions, for `prompt_logprobs` of a judging model. */
  promptLabels: ((prompt: string, tokenEnds: readonly number[]) => Map<number, number>) | null;
  /** `/pooling` output for one input text; null for generative models. */
  pool: ((text: string) => PoolingData) | null;
}

const POLICY_SETUP: Record<
  string,
  {
    vocabulary: VocabularyKind;
    template: TemplateKind;
    style: StepStyle;
    maxModelLen: number;
    generationConfig: GenerationConfigDefaults;
  }
> = {
  // generation_config.json of the models each family stands for (Hugging Face hub files):
  // Qwen2.5-*-Instruct ship sampling that is not the paper's (top_p 0.8, top_k 20, a repetition
  // penalty); Llama-3.1-Instruct ships temperature 0.6, top_p 0.9; R1-distill 0.6 / 0.95.
  'qwen2.5': {
    vocabulary: 'qwen',
    template: 'qwen',
    style: 'plain',
    maxModelLen: 32768,
    generationConfig: { temperature: 0.7, topP: 0.8, topK: 20, repetitionPenalty: 1.05 },
  },
  'llama-3': {
    vocabulary: 'llama-3',
    template: 'llama-3.1',
    style: 'llama',
    maxModelLen: 131072,
    generationConfig: { temperature: 0.6, topP: 0.9 },
  },
  'deepseek-r1-distill': {
    vocabulary: 'deepseek-qwen',
    template: 'deepseek-r1',
    style: 'deepseek',
    maxModelLen: 131072,
    generationConfig: { temperature: 0.6, topP: 0.95 },
  },
};

const PRM_SETUP: Record<
  string,
  { vocabulary: VocabularyKind; template: TemplateKind; maxModelLen: number }
> = {
  'qwen2.5-math-prm': { vocabulary: 'qwen-prm', template: 'qwen-math', maxModelLen: 4096 },
  'math-shepherd': { vocabulary: 'mistral', template: 'none', maxModelLen: 4096 },
  rlhflow: { vocabulary: 'llama-3', template: 'llama-3.1', maxModelLen: 8192 },
  'skywork-o1': { vocabulary: 'qwen', template: 'qwen', maxModelLen: 4096 },
  outcome: { vocabulary: 'qwen', template: 'qwen-math', maxModelLen: 4096 },
};

const SHEPHERD_TAG = 'ки';
const STEP_SEPARATOR = '\n\n';

function labelOffsetsToTokens(
  offsets: Map<number, number>,
  tokenEnds: readonly number[],
): Map<number, number> {
  const byToken = new Map<number, number>();
  tokenEnds.forEach((end, index) => {
    const start = index === 0 ? 0 : (tokenEnds[index - 1] ?? 0);
    const probability = offsets.get(start);
    if (probability !== undefined && end > start) byToken.set(index, probability);
  });
  return byToken;
}

export function createSimEngine(options: SimulatorOptions): SimEngine {
  const model = options.model;
  const modelId = simulatedModelId(model.servedName);
  if (!isPrmModel(model)) {
    const setup = POLICY_SETUP[model.family];
    if (!setup || options.role !== 'policy')
      throw new Error(`role ${options.role} does not fit policy family ${model.family}`);
    return {
      modelId,
      root: model.servedName,
      role: 'policy',
      family: model.family,
      tokenizer: getSimTokenizer(setup.vocabulary),
      template: setup.template,
      maxModelLen: model.maxModelLen ?? setup.maxModelLen,
      generationConfig: setup.generationConfig,
      continuePrompt: (prompt, stop = []) => {
        const prefix = parseSolutionPrefix(prompt);
        // Steps are separated by "\n\n": with that stop only the first new step is ever kept.
        const stepLimit = stop.includes(STEP_SEPARATOR) ? { maxNewSteps: 1 } : {};
        return (sampling) => ({
          text: writeContinuation(prefix, {
            ...stepLimit,
            style: setup.style,
            family: model.family,
            paramsB: model.paramsB,
            sampling:
              sampling.seed === null
                ? null
                : {
                    seed: sampling.seed,
                    temperature: sampling.temperature,
                    diversity: sampling.diversity,
                  },
          }),
          firstToken: null,
        });
      },
      promptLabels: null,
      pool: null,
    };
  }
  const setup = PRM_SETUP[model.family];
  if (!setup || options.role !== 'prm')
    throw new Error(`role ${options.role} does not fit PRM family ${model.family}`);
  const tokenizer = getSimTokenizer(setup.vocabulary);
  const knobs = rewardKnobsFor(model.family, model.paramsB, {
    ...model.reward,
    ...(model.quality === undefined ? {} : { baseQuality: model.quality }),
  });
  const settings = { seed: options.seed, ...judgeProfileFor(knobs, model.judgedPolicy ?? null) };
  const base = {
    modelId,
    root: model.servedName,
    role: 'prm' as const,
    family: model.family,
    tokenizer,
    template: setup.template,
    maxModelLen: model.maxModelLen ?? setup.maxModelLen,
    generationConfig: {},
  };
  if (model.family === 'rlhflow') {
    const plusId = tokenizer.encode('+')[0] ?? 10;
    const minusId = tokenizer.encode('-')[0] ?? 12;
    return {
      ...base,
      continuePrompt: (prompt) => {
        const probability = judgeRlhflowConversation(prompt, settings).nextLabelProbability;
        return (sampling) => {
          // Outside a label position the model just ends its turn.
          if (probability === null) return { text: '', firstToken: null };
          const draw =
            sampling.seed === null ? 0.5 : unitFromHash(hashParts('label', sampling.seed, prompt));
          const isPlus = sampling.seed === null ? probability >= 0.5 : draw < probability;
          return {
            text: isPlus ? '+' : '-',
            firstToken: { plusId, minusId, plusProbability: probability },
          };
        };
      },
      promptLabels: (prompt, tokenEnds) =>
        labelOffsetsToTokens(judgeRlhflowConversation(prompt, settings).labelOffsets, tokenEnds),
      pool: null,
    };
  }
  if (model.family === 'math-shepherd') {
    // Served generatively (vLLM's default runner for MistralForCausalLM): the readout is the
    // distribution after each `ки` (P(+) vs P(-)) in `prompt_logprobs`. The judgement is the
    // same as the STEP-pooling one, so both routes score a path alike.
    const plusId = tokenizer.encode('+')[0] ?? 648;
    const minusId = tokenizer.encode('-')[0] ?? 387;
    return {
      ...base,
      continuePrompt: (prompt) => {
        const pairs = poolShepherd(prompt, settings);
        const last = pairs[pairs.length - 1];
        const continuation: Continuation =
          !prompt.trimEnd().endsWith(SHEPHERD_TAG) || last === undefined
            ? { text: '', firstToken: null }
            : {
                text: (last[0] ?? 0.5) >= 0.5 ? '+' : '-',
                firstToken: { plusId, minusId, plusProbability: last[0] ?? 0.5 },
              };
        return () => continuation;
      },
      promptLabels: (prompt, tokenEnds) => {
        // The judged text is the input without the BOS the tokenizer added.
        const bos = '<s>';
        const judged = prompt.startsWith(bos) ? prompt.slice(bos.length) : prompt;
        const pairs = poolShepherd(judged, settings);
        const offsets = new Map<number, number>();
        let from = 0;
        for (const pair of pairs) {
          const at = prompt.indexOf(SHEPHERD_TAG, from);
          if (at === -1) break;
          from = at + SHEPHERD_TAG.length;
          // The token after the tag is predicted from it: its entry holds P(+) / P(-).
          offsets.set(from, pair[0] ?? 0.5);
        }
        return labelOffsetsToTokens(offsets, tokenEnds);
      },
      pool: (text) => poolShepherd(text, settings),
    };
  }
  const pool = (text: string): PoolingData => {
    switch (model.family) {
      case 'qwen2.5-math-prm':
        return poolQwenPrm(text, settings);
      case 'math-shepherd':
        return poolShepherd(text, settings);
      case 'skywork-o1':
        return poolSkywork(text, tokenizer, settings);
      default:
        return poolOutcome(text, settings);
    }
  };
  return { ...base, continuePrompt: null, promptLabels: null, pool };
}
