import { UpstreamError } from '../../../../src/errors';
import { createBatchTokenizer } from '../../../../src/upstream/vllm/prm-tokenize-batch';

// A toy tokenizer with one added token "<s>" (id 1): one id per character otherwise, so the texts'
// own ids are easy to state and a joined call can be checked against them.
const START = 1;
function toyTokenize(text: string): number[] {
  return text
    .split(/(<s>)/)
    .flatMap((piece) =>
      piece === '<s>' ? [START] : Array.from(piece, (char) => 100 + char.charCodeAt(0)),
    );
}

function fakeServer(options: { maxChars?: number; mergesSeams?: boolean } = {}): {
  tokenize: (text: string, addSpecialTokens: boolean) => Promise<number[]>;
  prompts: string[];
} {
  const prompts: string[] = [];
  return {
    prompts,
    tokenize: (text) => {
      prompts.push(text);
      if (options.maxChars !== undefined && text.length > options.maxChars)
        return Promise.reject(
          new UpstreamError("upstream 'prm' answered 400: maximum context length", {
            upstream: 'prm',
            status: 400,
          }),
        );
      // A tokenizer that does not split at "<s>" would see one long text.
      return Promise.resolve(
        options.mergesSeams
          ? Array.from(text, (char) => 100 + char.charCodeAt(0))
          : toyTokenize(text),
      );
    },
  };
}

const TEXTS = ['<s>question one step', '<s>q2 s', '<s>x'];

describe('createBatchTokenizer', () => {
  it('tokenizes a batch in one joined call and splits it into each text’s own ids', async () => {
    const server = fakeServer();
    const batch = createBatchTokenizer({ tokenize: server.tokenize, pathStartId: START });
    const texts = TEXTS;
    const result = await batch.tokenizeAll(texts, false);
    expect(result.calls).toBe(1);
    expect(server.prompts).toEqual([texts.join('')]);
    expect(result.ids).toEqual(texts.map(toyTokenize));
  });

  it('halves a joined call the server refuses (too long) until the parts fit, counting every call', async () => {
    const texts = ['<s>aaaaaaa', '<s>bbbbbbb', '<s>ccccccc', '<s>ddddddd'];
    const server = fakeServer({ maxChars: 20 });
    const batch = createBatchTokenizer({ tokenize: server.tokenize, pathStartId: START });
    const result = await batch.tokenizeAll(texts, false);
    // The whole batch (40 chars) is refused; each half (20) fits.
    expect(result.calls).toBe(3);
    expect(result.ids).toEqual(texts.map(toyTokenize));
    expect(batch.joins()).toBe(true);
  });

  it('goes back to one call per text, for good, when a joined answer does not split into its texts', async () => {
    const texts = ['<s>ab', '<s>cd'];
    const server = fakeServer({ mergesSeams: true });
    const batch = createBatchTokenizer({ tokenize: server.tokenize, pathStartId: START });
    const result = await batch.tokenizeAll(texts, false);
    expect(result.calls).toBe(3);
    expect(result.ids).toHaveLength(2);
    expect(batch.joins()).toBe(false);
    const next = await batch.tokenizeAll(texts, false);
    expect(next.calls).toBe(2);
  });

  it('sends each text alone when the family has no start token, or when the tokenizer adds its own BOS', async () => {
    const server = fakeServer();
    const plain = createBatchTokenizer({ tokenize: server.tokenize });
    expect((await plain.tokenizeAll(['<s>a', '<s>b'], false)).calls).toBe(2);
    const joined = createBatchTokenizer({ tokenize: server.tokenize, pathStartId: START });
    // With add_special_tokens the server would add its BOS once per call, not once per text.
    expect((await joined.tokenizeAll(['<s>a', '<s>b'], true)).calls).toBe(2);
    expect(await joined.tokenizeAll([], false)).toEqual({ ids: [], calls: 0 });
  });

  it('passes other upstream failures on', async () => {
    const failing = createBatchTokenizer({
      tokenize: () => Promise.reject(new UpstreamError('down', { upstream: 'prm', status: 503 })),
      pathStartId: START,
    });
    await expect(failing.tokenizeAll(['<s>a', '<s>b'], false)).rejects.toThrow('down');
  });
});
