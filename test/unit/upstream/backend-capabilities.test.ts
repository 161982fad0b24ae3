import type { MethodName } from '../../../src/tts';
import {
  BACKEND_CAPABILITIES,
  STACK_KINDS,
  describeUnsupportedMethod,
  isStackKind,
  unsupportedMethodReasons,
} from '../../../src/upstream';

const ALL: MethodName[] = ['cot', 'majority', 'best_of_n', 'beam_search', 'dvts'];

describe('describeUnsupportedMethod', () => {
  it.each(['beam_search', 'dvts'] as const)(
    'refuses %s on openai-chat naming the reason and the alternatives',
    (method) => {
      expect(describeUnsupportedMethod('openai-chat', method)).toBe(
        `openai-chat backends cannot continue a partial solution, so ${method} is unavailable; use best_of_n or majority.`,
      );
    },
  );

  it('lets openai-chat run the whole-solution methods', () => {
    for (const method of ['cot', 'majority', 'best_of_n'] as const)
      expect(describeUnsupportedMethod('openai-chat', method)).toBeNull();
  });

  it.each(['vllm', 'sglang', 'llama-cpp', 'tgi', 'fastchat'] as const)(
    'lets %s run every method',
    (stack) => {
      for (const method of ALL) expect(describeUnsupportedMethod(stack, method)).toBeNull();
    },
  );
});

describe('BACKEND_CAPABILITIES', () => {
  it('describes every stack, with step-wise search exactly where methods include beam search', () => {
    expect(Object.keys(BACKEND_CAPABILITIES).sort()).toEqual([...STACK_KINDS].sort());
    for (const stack of STACK_KINDS) {
      const capabilities = BACKEND_CAPABILITIES[stack];
      expect(capabilities.methods.includes('beam_search')).toBe(capabilities.stepwise);
      expect(capabilities.methods.includes('dvts')).toBe(capabilities.stepwise);
      expect(capabilities.limitation === null).toBe(capabilities.methods.length === ALL.length);
    }
  });

  it('marks the stacks that fan out and the ones that can serve a PRM', () => {
    expect(STACK_KINDS.filter((stack) => !BACKEND_CAPABILITIES[stack].nativeN)).toEqual([
      'llama-cpp',
      'tgi',
    ]);
    expect(STACK_KINDS.filter((stack) => BACKEND_CAPABILITIES[stack].prm)).toEqual([
      'vllm',
      'fastchat',
    ]);
  });
});

describe('unsupportedMethodReasons', () => {
  it('lists each refused method with its message, and nothing for complete stacks', () => {
    expect(Object.keys(unsupportedMethodReasons('openai-chat')).sort()).toEqual([
      'beam_search',
      'dvts',
    ]);
    expect(unsupportedMethodReasons('openai-chat').dvts).toBe(
      describeUnsupportedMethod('openai-chat', 'dvts'),
    );
    expect(unsupportedMethodReasons('vllm')).toEqual({});
  });
});

describe('isStackKind', () => {
  it('accepts the stack names only', () => {
    expect(['vllm', 'llama-cpp', 'llamacpp', 'openai'].map(isStackKind)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
