import { buildTasks, evalRequestBody } from '../../../src/eval';
import { problem } from './eval-fixtures';

describe('evalRequestBody', () => {
  it('sends the problem as the user message with the arm and budget in tts_budget and a seed', () => {
    const [cot, beam] = buildTasks([problem('p1')], ['cot', 'beam_search'], [16], 0);
    if (cot === undefined || beam === undefined) throw new Error('expected two tasks');
    expect(evalRequestBody('qwen2.5-1.5b-instruct', beam)).toEqual({
      model: 'qwen2.5-1.5b-instruct',
      messages: [{ role: 'user', content: 'What is p1?' }],
      tts_budget: { n: 16, strategy: 'beam_search' },
      seed: beam.seed,
    });
    expect(evalRequestBody('m', cot).tts_budget).toEqual({ n: 1, strategy: 'cot' });
  });
});
