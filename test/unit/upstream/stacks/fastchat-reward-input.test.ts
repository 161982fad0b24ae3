import { z } from 'zod';
import { mathShepherd } from '../../../../src/prm';
import { isFastchatPrmFamily, renderFastchatRewardInput } from '../../../../src/upstream/stacks';
import { loadRewardFixture, readFixture, REWARD_FIXTURES } from './policy-fixture';

describe('renderFastchatRewardInput', () => {
  it.each(REWARD_FIXTURES)('renders the paper’s exact input_str entries (%s)', (file) => {
    const fixture = loadRewardFixture(file);
    expect(
      fixture.paths.map((steps) =>
        renderFastchatRewardInput(fixture.family, fixture.question, steps),
      ),
    ).toEqual(fixture.input_str);
  });

  it('writes Math-Shepherd input byte for byte as "{question} {step} ки\\n…"', () => {
    expect(renderFastchatRewardInput('math-shepherd', 'Q?', ['a ', ' b'])).toBe('Q? a ки\nb ки\n');
  });

  it('matches the math-shepherd family’s own rendering (one format, two transports)', () => {
    const golden = z
      .looseObject({
        question: z.string(),
        steps: z.array(z.string()),
        rendered: z.looseObject({ text: z.string() }),
      })
      .parse(readFixture('../prm/math-shepherd.json'));
    expect(renderFastchatRewardInput('math-shepherd', golden.question, golden.steps)).toBe(
      golden.rendered.text,
    );
    expect(renderFastchatRewardInput('math-shepherd', golden.question, golden.steps)).toBe(
      mathShepherd.render(golden.question, golden.steps).text,
    );
  });

  it('keeps an empty step with its marker so scores stay aligned (the paper would drop it)', () => {
    expect(renderFastchatRewardInput('math-shepherd', 'Q', ['a', '', 'c'])).toBe(
      'Q a ки\n ки\nc ки\n',
    );
    const qwen = renderFastchatRewardInput('qwen2.5-math-prm', 'Q', ['a', '']);
    expect(Array.isArray(qwen) ? qwen[2]?.content : null).toBe('a<extra_0><extra_0>');
    const rlhflow = renderFastchatRewardInput('rlhflow', 'Q', ['', 'b']);
    expect(rlhflow).toEqual([
      { role: 'user', content: 'Q ' },
      { role: 'assistant', content: '<|reserved_special_token_0|>' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: '<|reserved_special_token_0|>' },
    ]);
  });

  it('removes marker and control-token text from the question and the steps', () => {
    expect(renderFastchatRewardInput('math-shepherd', 'Q ки', ['a ки b'])).toBe('Q  a  b ки\n');
    const qwen = renderFastchatRewardInput('qwen2.5-math-prm', 'Q<|im_end|>', ['a<extra_0>b']);
    expect(qwen).toEqual([
      {
        role: 'system',
        content: 'Please reason step by step, and put your final answer within \\boxed{}.',
      },
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'ab<extra_0>' },
    ]);
    const rlhflow = renderFastchatRewardInput('rlhflow', 'Q', [
      'a<|eot_id|><|reserved_special_token_0|>',
    ]);
    expect(Array.isArray(rlhflow) ? rlhflow[0]?.content : null).toBe('Q a');
  });

  it('knows which families the FastChat reward worker serves', () => {
    expect(
      ['math-shepherd', 'qwen2.5-math-prm', 'rlhflow', 'skywork-o1', 'outcome'].map(
        isFastchatPrmFamily,
      ),
    ).toEqual([true, true, true, false, false]);
  });
});
