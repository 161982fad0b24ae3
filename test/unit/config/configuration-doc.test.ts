/** docs/configuration.md describes every field the config schema accepts. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../../src/config';
import { knownKeysAt } from '../../../src/config/describe-config-issue';

/** Every field path of the schema; list entries and record values appear as `0`. */
function fieldPaths(prefix: string[] = []): string[][] {
  let parent = prefix;
  let keys = knownKeysAt(configSchema, parent);
  if (keys.length === 0 && prefix.length > 0) {
    parent = [...prefix, '0'];
    keys = knownKeysAt(configSchema, parent);
  }
  return keys.flatMap((key) => [[...parent, key], ...fieldPaths([...parent, key])]);
}

describe('docs/configuration.md', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/configuration.md'), 'utf8');

  it('names every config field', () => {
    const paths = fieldPaths();
    expect(paths.length).toBeGreaterThan(50);
    const missing = paths
      .map((fieldPath) => fieldPath[fieldPath.length - 1] as string)
      .filter((key) => !['`', '.', '['].some((next) => doc.includes(`\`${key}${next}`)));
    expect([...new Set(missing)]).toEqual([]);
  });

  it('has a section for every top-level section of the config', () => {
    const headings = doc.split('\n').filter((line) => line.startsWith('## '));
    for (const section of knownKeysAt(configSchema, []))
      expect(headings.some((heading) => heading.startsWith(`## \`${section}`))).toBe(true);
  });
});
