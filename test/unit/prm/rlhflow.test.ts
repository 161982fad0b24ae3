import { createRlhflowFamily, rlhflow } from '../../../src/prm';
import { runFamilyConformance } from './family-conformance';
import { extractRaw, loadPrmFixture } from './prm-fixture';

const fixture = loadPrmFixture('rlhflow.json');
runFamilyConformance(rlhflow, fixture);

describe('rlhflow', () => {
  it('derives the swapped "+" positions from the sent ids alone when no positions are passed', () => {
    const ids = fixture.tokenIds;
    if (ids === null) throw new Error('fixture needs token ids');
    const raw = extractRaw(fixture.response, fixture.rawPath);
    const withPositions = rlhflow.readScores(raw, {
      stepCount: 2,
      tokenIds: ids.sent,
      scorePositions: ids.scorePositions,
      upstream: 'prm',
    });
    expect(rlhflow.readScores(raw, { stepCount: 2, tokenIds: ids.sent, upstream: 'prm' })).toEqual(
      withPositions,
    );
  });

  it('refuses positions that do not point at a swapped "+"', () => {
    const ids = fixture.tokenIds;
    if (ids === null) throw new Error('fixture needs token ids');
    const raw = extractRaw(fixture.response, fixture.rawPath);
    const shifted = ids.scorePositions.map((position) => position - 1);
    expect(() =>
      rlhflow.readScores(raw, {
        stepCount: 2,
        tokenIds: ids.sent,
        scorePositions: shifted,
        upstream: 'prm',
      }),
    ).toThrow(TypeError);
  });

  it('puts the question and the first step in one user turn, then one turn per step (trimmed)', () => {
    const text = rlhflow.render('  Q?', ['  s1 ', 's2']).text;
    expect(text).toContain('<|start_header_id|>user<|end_header_id|>\n\nQ? s1<|eot_id|>');
    expect(text).toContain('<|start_header_id|>user<|end_header_id|>\n\ns2<|eot_id|>');
  });

  it('drops the 3.1 system header in the training-format variant', () => {
    const text = createRlhflowFamily({ systemHeader: 'none' }).render('Q', ['s']).text;
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nQ s<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n<|reserved_special_token_0|><|eot_id|>',
    );
  });

  it('lists the label and placeholder ids for startup verification', () => {
    const ids = Object.fromEntries(rlhflow.specialTokens.map((token) => [token.text, token.id]));
    expect(ids).toMatchObject({ '+': 10, '-': 12, '<|reserved_special_token_0|>': 128002 });
  });
});
