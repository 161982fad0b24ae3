import { answerPart, splitReasoning } from '../../../src/answer';

describe('splitReasoning (vLLM deepseek_r1 rules)', () => {
  it('splits at the first </think>, the thinking without the tag', () => {
    expect(splitReasoning('Let me think.\n</think>\n\nThe answer is $\\boxed{4}$.')).toEqual({
      reasoning: 'Let me think.\n',
      content: '\n\nThe answer is $\\boxed{4}$.',
    });
  });

  it('drops a leading <think> the model wrote itself', () => {
    expect(splitReasoning('<think>hmm</think>done')).toEqual({ reasoning: 'hmm', content: 'done' });
  });

  it('calls everything reasoning when the thinking never ends', () => {
    expect(splitReasoning('still thinking')).toEqual({
      reasoning: 'still thinking',
      content: null,
    });
  });

  it('gives null content when nothing follows </think>', () => {
    expect(splitReasoning('thought</think>')).toEqual({ reasoning: 'thought', content: null });
  });
});

describe('answerPart', () => {
  it('reads after the thinking, so a value boxed while thinking does not count', () => {
    expect(answerPart('maybe \\boxed{3}</think>so \\boxed{4}')).toBe('so \\boxed{4}');
  });

  it('reads a completion without </think> whole', () => {
    expect(answerPart('plain \\boxed{4}')).toBe('plain \\boxed{4}');
  });
});
