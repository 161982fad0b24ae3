/**
 * Read a sampling heap profile (`HeapProfiler.stopSampling`) and total its sampled bytes by the
 * allocating function (self, the innermost frame), so the largest sources of garbage per request
 * come first.
 */
import { readFileSync } from 'node:fs';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

export interface HeapRow {
  name: string;
  bytes: number;
  share: number;
}

export interface HeapSummary {
  totalBytes: number;
  topFunctions: HeapRow[];
}

export function summarizeHeap(file: string, top = 30): HeapSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const byFunction = new Map<string, number>();
  let total = 0;
  const stack: HeapNode[] = [profile.head];
  while (stack.length > 0) {
    const node = stack.pop() as HeapNode;
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    total += node.selfSize;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*\/(node_modules|dist-bench)\//, '');
    const name = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  }
  const topFunctions = [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => ({
      name,
      bytes,
      share: Math.round((1000 * bytes) / Math.max(1, total)) / 10,
    }));
  return { totalBytes: total, topFunctions };
}
