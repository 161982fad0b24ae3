import { resultFromWire, resultLineWire, resultToWire } from '../../../src/eval';
import { result } from './eval-fixtures';

describe('resultToWire / resultFromWire', () => {
  it('round-trips a result through one snake_case JSON line', () => {
    const original = result('beam_search', 16, 'test/algebra/1.json', true, {
      error: null,
      isDegraded: true,
    });
    const line = JSON.stringify(resultToWire(original));
    expect(line).toContain('"problem_id":"test/algebra/1.json"');
    expect(line).toContain('"correct":true');
    expect(resultFromWire(resultLineWire.parse(JSON.parse(line)))).toEqual(original);
  });
  it('keeps failed requests with their error and no tokens', () => {
    const failed = result('dvts', 4, 'p1', false, {
      error: 'HTTP 400: tts_budget 6 must be a multiple of m=4',
      flops: null,
      prmTokens: null,
    });
    expect(resultFromWire(resultLineWire.parse(resultToWire(failed)))).toEqual(failed);
  });
});
