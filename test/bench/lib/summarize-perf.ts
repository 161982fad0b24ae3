/**
 * Read a `perf record -g` capture of the proxy (with `--perf-basic-prof` JIT symbols) and attribute
 * every on-CPU sample to its innermost JavaScript frame, so builtins (JSON, IC stubs, string ops)
 * count for the JS function that called them. Samples with no JS frame are GC, the compiler or
 * the kernel, listed by thread (main or worker).
 */
import { execFileSync } from 'node:child_process';
import type { ProfileRow } from './summarize-profile';

export interface PerfSummary {
  samples: number;
  mainThreadShare: number;
  byPackage: ProfileRow[];
  topFunctions: ProfileRow[];
}

const JS_FRAME = /JS:[*~^+]?(\S*) (\S+?):(\d+):\d+/;

function packageOf(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node:' + (url.slice(5).split('/')[0] ?? '');
  const src = url.indexOf('/src/');
  return src >= 0 ? 'src/' + (url.slice(src + 5).split('/')[0] ?? '') : url;
}

export function summarizePerf(dataFile: string, pid: number, top = 30): PerfSummary {
  const text = execFileSync('perf', ['script', '-i', dataFile, '-F', 'tid,ip,sym'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let samples = 0;
  let main = 0;
  for (const block of text.split('\n\n')) {
    const lines = block.trim().split('\n');
    const head = lines[0]?.trim();
    if (!head) continue;
    samples += 1;
    const isMain = Number(head.split(/\s+/)[0]) === pid;
    if (isMain) main += 1;
    let owner: RegExpExecArray | null = null;
    for (const line of lines.slice(1)) {
      owner = JS_FRAME.exec(line);
      if (owner) break;
    }
    const add = (map: Map<string, number>, key: string): void =>
      void map.set(key, (map.get(key) ?? 0) + 1);
    if (!owner) {
      const leaf = (lines[1] ?? '')
        .trim()
        .split(/\s+/)
        .slice(1)
        .join(' ')
        .replace(/\s*\(.*\)$/, '')
        .slice(0, 80);
      add(byFunction, `[native, ${isMain ? 'main' : 'worker'} thread] ${leaf}`);
      add(byPackage, `(no JS frame: ${isMain ? 'main thread' : 'worker threads, GC/compiler'})`);
      continue;
    }
    const [, name, url = '', line] = owner;
    add(
      byFunction,
      `${name || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist-bench)\//, '')}:${line}`,
    );
    add(byPackage, packageOf(url));
  }
  const rows = (map: Map<string, number>): ProfileRow[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({
        name,
        selfMs: count,
        share: Math.round((1000 * count) / Math.max(1, samples)) / 10,
      }));
  return {
    samples,
    mainThreadShare: Math.round((1000 * main) / Math.max(1, samples)) / 10,
    byPackage: rows(byPackage),
    topFunctions: rows(byFunction),
  };
}
