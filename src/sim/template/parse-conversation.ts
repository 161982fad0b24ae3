/**
 * Reads turns back out of text rendered with one of the simulated chat templates (Qwen,
 * Llama-3.x, DeepSeek-R1). The simulator needs this because `/v1/completions` and `/pooling`
 * receive pre-rendered strings and it keeps no state between calls.
 */

export interface ParsedTurn {
  role: string;
  content: string;
  /** Offset of the first content character in the parsed text. */
  contentStart: number;
  /** True when the turn is followed by its end-of-turn token (false for an open, continued turn). */
  isClosed: boolean;
}

interface Marker {
  role: string;
  headerStart: number;
  contentStart: number;
}

function collectTurns(text: string, markers: Marker[], endTokens: readonly string[]): ParsedTurn[] {
  return markers.map((marker, index) => {
    const nextHeader = markers[index + 1]?.headerStart ?? text.length;
    let contentEnd = nextHeader;
    let isClosed = false;
    for (const endToken of endTokens) {
      const at = text.indexOf(endToken, marker.contentStart);
      if (at !== -1 && at < contentEnd) {
        contentEnd = at;
        isClosed = true;
      }
    }
    return {
      role: marker.role,
      content: text.slice(marker.contentStart, contentEnd),
      contentStart: marker.contentStart,
      isClosed,
    };
  });
}

function parseQwen(text: string): ParsedTurn[] {
  const markers: Marker[] = [];
  for (const match of text.matchAll(/<\|im_start\|>([^\n<]*)\n/g)) {
    markers.push({
      role: match[1] ?? '',
      headerStart: match.index,
      contentStart: match.index + match[0].length,
    });
  }
  return collectTurns(text, markers, ['<|im_end|>']);
}

function parseLlama(text: string): ParsedTurn[] {
  const markers: Marker[] = [];
  for (const match of text.matchAll(/<\|start_header_id\|>([^<]*)<\|end_header_id\|>(\n\n)?/g)) {
    markers.push({
      role: match[1] ?? '',
      headerStart: match.index,
      contentStart: match.index + match[0].length,
    });
  }
  return collectTurns(text, markers, ['<|eot_id|>', '<|eom_id|>']);
}

function parseDeepseek(text: string): ParsedTurn[] {
  const markers: Marker[] = [];
  const bos = '<｜begin▁of▁sentence｜>';
  if (text.startsWith(bos))
    markers.push({ role: 'system', headerStart: 0, contentStart: bos.length });
  for (const match of text.matchAll(/<｜(User|Assistant)｜>/g)) {
    const role = match[1] === 'User' ? 'user' : 'assistant';
    markers.push({ role, headerStart: match.index, contentStart: match.index + match[0].length });
  }
  return collectTurns(text, markers, ['<｜end▁of▁sentence｜>']);
}

/** Turns of a templated text, or null when the text carries no known chat-template markers. */
export function parseConversation(text: string): ParsedTurn[] | null {
  if (text.includes('<|im_start|>')) return parseQwen(text);
  if (text.includes('<|start_header_id|>')) return parseLlama(text);
  if (text.includes('<｜User｜>') || text.includes('<｜Assistant｜>')) return parseDeepseek(text);
  return null;
}
