import { parseAnswerStructure } from '../../../src/answer/parse-answer-structure';

const scalar = (text: string) => ({ kind: 'scalar', text });

describe('parseAnswerStructure', () => {
  it('reads a bare comma list as a list', () => {
    expect(parseAnswerStructure('3,5')).toEqual({
      kind: 'list',
      items: [scalar('3'), scalar('5')],
    });
  });

  it('reads tuples and intervals with their brackets', () => {
    expect(parseAnswerStructure('[1,2)')).toEqual({
      kind: 'bracketed',
      open: '[',
      close: ')',
      items: [scalar('1'), scalar('2')],
    });
    expect(parseAnswerStructure('(x+1)(x-1)')).toEqual(scalar('(x+1)(x-1)'));
    expect(parseAnswerStructure('(5)')).toEqual(scalar('(5)'));
  });

  it('reads sets, including the empty set', () => {
    expect(parseAnswerStructure('\\{1,2\\}')).toEqual({
      kind: 'set',
      items: [scalar('1'), scalar('2')],
    });
    expect(parseAnswerStructure('\\emptyset')).toEqual({ kind: 'set', items: [] });
  });

  it('expands one \\pm into two members, flattened inside sets', () => {
    expect(parseAnswerStructure('1\\pm\\sqrt{2}')).toEqual({
      kind: 'list',
      items: [scalar('1+(\\sqrt{2})'), scalar('1-(\\sqrt{2})')],
    });
    const set = parseAnswerStructure('\\{1\\pm\\sqrt{5},-2\\}');
    expect(set.kind === 'set' ? set.items.length : 0).toBe(3);
  });

  it('reads unions of intervals', () => {
    const union = parseAnswerStructure('(0,9)\\cup(9,36)');
    expect(union.kind).toBe('union');
    expect(union.kind === 'union' ? union.parts.map((part) => part.kind) : []).toEqual([
      'bracketed',
      'bracketed',
    ]);
  });

  it('reads matrices cell by cell', () => {
    expect(parseAnswerStructure('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}')).toEqual({
      kind: 'matrix',
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
    });
  });

  it('treats anything else as a scalar', () => {
    expect(parseAnswerStructure('x^2+1')).toEqual(scalar('x^2+1'));
    expect(parseAnswerStructure('5\\pmod{7}')).toEqual(scalar('5\\pmod{7}'));
  });
});

describe('parseAnswerStructure with assignments', () => {
  it('drops a variable name repeated on every list item', () => {
    expect(parseAnswerStructure('x=1,x=-2')).toEqual({
      kind: 'list',
      items: [scalar('1'), scalar('-2')],
    });
  });

  it('keeps the names when the items assign different variables, as relations', () => {
    expect(parseAnswerStructure('x=1,y=2')).toEqual({
      kind: 'list',
      items: [
        { kind: 'relation', relation: { sides: ['x', '1'], operators: ['='] } },
        { kind: 'relation', relation: { sides: ['y', '2'], operators: ['='] } },
      ],
    });
  });

  it('reads a chain with \\approx up to the approximation', () => {
    expect(parseAnswerStructure('x=\\sqrt{2}\\approx1.41')).toEqual({
      kind: 'relation',
      relation: { sides: ['x', '\\sqrt{2}'], operators: ['='] },
    });
    expect(parseAnswerStructure('x\\approx3.14')).toEqual(scalar('3.14'));
  });
});
