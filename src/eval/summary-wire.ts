/**
 * `summary.json`: the {@link EvalSummary} with snake_case keys, like `results.jsonl` and the
 * proxy's `tts` metadata. The summary keeps every data-dependent name (subjects, levels, arms) in
 * values, never in keys, so renaming keys mechanically is safe.
 */
import type { EvalSummary } from './summarize';

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function toSnakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [snakeCase(key), toSnakeKeys(inner)]),
    );
  }
  return value;
}

/** The JSON value written to `summary.json`. */
export function summaryToWire(summary: EvalSummary): unknown {
  return {
    format: 'tts-proxy-eval-summary/1',
    ...(toSnakeKeys(summary) as Record<string, unknown>),
  };
}
