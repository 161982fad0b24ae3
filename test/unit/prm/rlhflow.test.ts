import { createRlhflowFamily, rlhflow } from '../../../src/prm';
import { runFamilyConformance } from './family-conformance';
import { extractRaw, loadPrmFixture } from './prm-fixture';

const fixture = loadPrmFixture('rlhflow.json');
runFamilyConformance(rlhflow, fixture);

describe('rlhflow', () => {
  it('derives the assistant "+" positions from the sent ids alone when no positions are passed', () => {
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

  it('refuses positions that do not point at an assistant "+"', () => {
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
        '<|start_header_id|>assistant<|end_header_id|>\n\n+<|eot_id|>',
    );
  });

  it('lists the label ids, and the label turn ending in "+", for startup verification', () => {
    const ids = Object.fromEntries(rlhflow.specialTokens.map((token) => [token.text, token.id]));
    expect(ids).toMatchObject({ '+': 10, '-': 12, 'assistant<|end_header_id|>\n\n+': 10 });
  });

  it('writes the assistant "+" as text (the reference conversation), so nothing is swapped', () => {
    const input = rlhflow.render('Q', ['s1', 's2']);
    expect(input.tokenSwaps).toEqual([]);
    expect(
      input.text.split('<|start_header_id|>assistant<|end_header_id|>\n\n+<|eot_id|>'),
    ).toHaveLength(3);
    expect(rlhflow.pathStartToken).toEqual({ text: '<|begin_of_text|>', tokenId: 128000 });
  });

  it('finds no label in a user turn that starts with "+" or mentions the label turn', () => {
    const input = rlhflow.render('Q assistant<|end_header_id|>\n\n+', ['+5 is next', '+']);
    const ids = [
      128000, 128006, 882, 128007, 271, 10, 2001, 128009, 128006, 78191, 128007, 271, 10, 128009,
    ];
    // A user turn "+…" gives [header, user, end, \n\n, +, …]: not the assistant run.
    expect(rlhflow.locateScorePositions(ids)).toEqual([12]);
    expect(input.text).not.toContain('Q assistant<|end_header_id|>');
  });
});
