import {
  answerChunks,
  PROGRESS_PREFIX,
  progressChunk,
} from '../../../src/server/tts-stream-chunks';
import { messageParts } from '../../../src/server/to-chat-completion';

const IDENTITY = { id: 'chatcmpl-1', created: 1, model: 'm' };

interface Delta {
  content?: string;
  reasoning_content?: string;
}

function deltas(chunks: Record<string, unknown>[]): Delta[] {
  return chunks.map((chunk) => (chunk.choices as { delta: Delta }[])[0]?.delta ?? {});
}

describe('progressChunk', () => {
  it('marks search progress with a tts_progress object and a [tts] prefix', () => {
    const chunk = progressChunk(IDENTITY, {
      type: 'round-end',
      round: 2,
      activePaths: 4,
      finishedPaths: 1,
      bestScore: 0.5,
    });
    expect(chunk.tts_progress).toEqual({
      type: 'round-end',
      round: 2,
      active_paths: 4,
      finished_paths: 1,
      best_score: 0.5,
    });
    expect(deltas([chunk])[0]?.reasoning_content).toBe(
      `${PROGRESS_PREFIX}round 2: 4 active, 1 finished, best PRM 0.500\n`,
    );
  });
});

describe('answerChunks', () => {
  const text = 'I add 2 and 2.</think>\n\nThe answer is $\\boxed{4}$.';

  it('streams the thinking as reasoning_content, then the answer as content, with no tts_progress', () => {
    const chunks = answerChunks(IDENTITY, 0, text, 'deepseek_r1');
    const streamed = deltas(chunks);
    expect(streamed.map((delta) => delta.reasoning_content ?? '').join('')).toBe('I add 2 and 2.');
    expect(streamed.map((delta) => delta.content ?? '').join('')).toBe(
      '\n\nThe answer is $\\boxed{4}$.',
    );
    // Thinking strictly before content, and nothing looks like progress.
    const firstContent = streamed.findIndex((delta) => delta.content !== undefined);
    expect(
      streamed.slice(firstContent).every((delta) => delta.reasoning_content === undefined),
    ).toBe(true);
    expect(chunks.every((chunk) => !('tts_progress' in chunk))).toBe(true);
  });

  it('streams the whole text as content without a reasoning parser', () => {
    expect(
      deltas(answerChunks(IDENTITY, 0, text, null))
        .map((delta) => delta.content)
        .join(''),
    ).toBe(text);
  });
});

describe('messageParts', () => {
  it('splits like vLLM deepseek_r1 with the parser, and leaves the text whole without it', () => {
    expect(messageParts('a</think>b', 'deepseek_r1')).toEqual({
      content: 'b',
      reasoningContent: 'a',
    });
    expect(messageParts('thinking only', 'deepseek_r1')).toEqual({
      content: null,
      reasoningContent: 'thinking only',
    });
    expect(messageParts('a</think>b', null)).toEqual({
      content: 'a</think>b',
      reasoningContent: null,
    });
  });
});
