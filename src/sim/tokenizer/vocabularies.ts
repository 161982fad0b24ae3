/**
 * Special-token tables of the toy tokenizer, one per real tokenizer family. The ids are the real
 * ones, because clients locate step markers (`<extra_0>`, `ки`, the Llama `+`) by id.
 */

export type VocabularyKind = 'qwen' | 'qwen-prm' | 'deepseek-qwen' | 'llama-3' | 'mistral';

export interface Vocabulary {
  kind: VocabularyKind;
  /** Control tokens, matched anywhere in the text as one token each. */
  specials: ReadonlyMap<string, number>;
  /**
   * Byte-level BPE families (Qwen, Llama-3) share GPT-2's byte order for single ASCII symbols
   * (`!` = 0 … `+` = 10, `-` = 12 …) and merge `"\n\n"` into one token; sentencepiece (Mistral) does not.
   */
  isByteLevel: boolean;
  /** Added in front when `add_special_tokens` is true; null when the tokenizer adds nothing. */
  bosToken: string | null;
  eosToken: string;
  /** Single-symbol pieces with a fixed id in this family (beyond the byte-level ASCII rule). */
  fixedPieces: ReadonlyMap<string, number>;
  /**
   * Chat-template role names with their own id, used when one makes up the whole text between two
   * control tokens, as in a Llama-3 header `<|start_header_id|>assistant<|end_header_id|>`; clients
   * locate turns by these ids (the RLHFlow PRM's assistant "+" labels).
   */
  roleNames: ReadonlyMap<string, number>;
}

// Llama-3's ids of its header role names (tokenizer.json of meta-llama/Llama-3.1-8B-Instruct).
const LLAMA_ROLE_NAMES: readonly (readonly [string, number])[] = [
  ['system', 9125],
  ['user', 882],
  ['assistant', 78191],
];
const NO_ROLE_NAMES: ReadonlyMap<string, number> = new Map();

const QWEN_SPECIALS: readonly (readonly [string, number])[] = [
  ['<|endoftext|>', 151643],
  ['<|im_start|>', 151644],
  ['<|im_end|>', 151645],
  ['<|object_ref_start|>', 151646],
  ['<|object_ref_end|>', 151647],
  ['<|box_start|>', 151648],
  ['<|box_end|>', 151649],
  ['<|quad_start|>', 151650],
  ['<|quad_end|>', 151651],
  ['<|vision_start|>', 151652],
  ['<|vision_end|>', 151653],
  ['<|vision_pad|>', 151654],
  ['<|image_pad|>', 151655],
  ['<|video_pad|>', 151656],
  ['<tool_call>', 151657],
  ['</tool_call>', 151658],
];

// Qwen2.5-Math-PRM re-purposes id 151651 as its step tag `<extra_0>` (vLLM `step_tag_id` default).
const QWEN_PRM_SPECIALS = QWEN_SPECIALS.map(([text, id]): readonly [string, number] =>
  id === 151651 ? ['<extra_0>', id] : [text, id],
);

const DEEPSEEK_SPECIALS: readonly (readonly [string, number])[] = [
  ['<｜end▁of▁sentence｜>', 151643],
  ['<｜User｜>', 151644],
  ['<｜Assistant｜>', 151645],
  ['<｜begin▁of▁sentence｜>', 151646],
  ['<|EOT|>', 151647],
  ['<think>', 151648],
  ['</think>', 151649],
];

const LLAMA_SPECIALS: readonly (readonly [string, number])[] = [
  ['<|begin_of_text|>', 128000],
  ['<|end_of_text|>', 128001],
  ['<|reserved_special_token_0|>', 128002],
  ['<|reserved_special_token_1|>', 128003],
  ['<|finetune_right_pad_id|>', 128004],
  ['<|reserved_special_token_2|>', 128005],
  ['<|start_header_id|>', 128006],
  ['<|end_header_id|>', 128007],
  ['<|eom_id|>', 128008],
  ['<|eot_id|>', 128009],
  ['<|python_tag|>', 128010],
];

// math-shepherd-mistral-7b-prm: ids from search-and-learn's STEP_TAG_ID / CANDIDATE_TOKENS.
const MISTRAL_SPECIALS: readonly (readonly [string, number])[] = [
  ['<unk>', 0],
  ['<s>', 1],
  ['</s>', 2],
  ['ки', 12902],
];

const MISTRAL_FIXED: readonly (readonly [string, number])[] = [
  ['+', 648],
  ['-', 387],
  ['\t', 12],
  ['\n', 13],
];

const BYTE_LEVEL_FIXED: readonly (readonly [string, number])[] = [
  [' ', 220],
  ['\t', 197],
  ['\n', 198],
  ['\n\n', 271],
];

const VOCABULARIES: Record<VocabularyKind, Vocabulary> = {
  qwen: {
    kind: 'qwen',
    specials: new Map(QWEN_SPECIALS),
    isByteLevel: true,
    bosToken: null,
    eosToken: '<|im_end|>',
    fixedPieces: new Map(BYTE_LEVEL_FIXED),
    roleNames: NO_ROLE_NAMES,
  },
  'qwen-prm': {
    kind: 'qwen-prm',
    specials: new Map(QWEN_PRM_SPECIALS),
    isByteLevel: true,
    bosToken: null,
    eosToken: '<|im_end|>',
    fixedPieces: new Map(BYTE_LEVEL_FIXED),
    roleNames: NO_ROLE_NAMES,
  },
  'deepseek-qwen': {
    kind: 'deepseek-qwen',
    specials: new Map(DEEPSEEK_SPECIALS),
    isByteLevel: true,
    bosToken: '<｜begin▁of▁sentence｜>',
    eosToken: '<｜end▁of▁sentence｜>',
    fixedPieces: new Map(BYTE_LEVEL_FIXED),
    roleNames: NO_ROLE_NAMES,
  },
  'llama-3': {
    kind: 'llama-3',
    specials: new Map(LLAMA_SPECIALS),
    isByteLevel: true,
    bosToken: '<|begin_of_text|>',
    eosToken: '<|eot_id|>',
    fixedPieces: new Map(BYTE_LEVEL_FIXED),
    roleNames: new Map(LLAMA_ROLE_NAMES),
  },
  mistral: {
    kind: 'mistral',
    specials: new Map(MISTRAL_SPECIALS),
    isByteLevel: false,
    bosToken: '<s>',
    eosToken: '</s>',
    fixedPieces: new Map(MISTRAL_FIXED),
    roleNames: NO_ROLE_NAMES,
  },
};

export function getVocabulary(kind: VocabularyKind): Vocabulary {
  return VOCABULARIES[kind];
}
