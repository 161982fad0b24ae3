/**
 * What a served pooler does with the reward head's output, per request (vLLM
 * `vllm/pooling_params.py` @0235532e: `use_activation` unset means the pooler's default, true for
 * the classify and token-classify poolers; the token-classify head applies a sigmoid to one label
 * and a softmax to two). The simulator's reward models compute the activated values (probability
 * pairs) or, for Skywork's value head, the raw ones; this turns them into what a server answers.
 * Skywork's own 0.6.4 plugin (`/v1/embeddings`) has no activation at all and never comes here.
 */
import type { SimPrmFamily } from './reward-profile';
import type { PoolingData } from './prm-output';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Log-probabilities: a softmax of them gives the pair back (logits up to a shift). */
const logOf = (p: number): number => Math.log(Math.max(p, 1e-12));

export function servePooled(
  data: PoolingData,
  family: SimPrmFamily,
  useActivation: boolean | null | undefined,
): PoolingData {
  const activate = useActivation !== false;
  if (family === 'skywork-o1') {
    // Raw value-head outputs, one per token: a one-label head, so the default is a sigmoid.
    return activate ? (data as number[]).map(sigmoid) : data;
  }
  // Probability pairs (softmax over two labels): without the activation, the logits.
  if (activate) return data;
  return data.map((entry) =>
    Array.isArray(entry) ? entry.map(logOf) : logOf(entry),
  ) as PoolingData;
}

/**
 * The pooling tasks each simulated reward model serves: a step or token reward head registers the
 * token-level task (`token_classify`; `encode` on 0.10-era servers), a sequence classifier also
 * `classify` (vLLM `pooling/pooling/serving.py` @03938fad refuses any other with "Unsupported
 * task").
 */
export function supportedPoolingTasks(family: SimPrmFamily): readonly string[] {
  return family === 'outcome'
    ? ['encode', 'classify', 'token_classify']
    : ['encode', 'token_classify'];
}
