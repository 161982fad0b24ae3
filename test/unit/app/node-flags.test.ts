/**
 * The server's Node flags (src/app/node-flags.ts): which are missing from a process's command
 * line and NODE_OPTIONS, and that every launcher we ship (`npm start`, the Docker image) passes
 * them to node before the script.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { missingServerNodeFlags, SERVER_NODE_FLAGS } from '../../../src/app';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

describe('missingServerNodeFlags', () => {
  it('names every flag when node got none', () => {
    expect(missingServerNodeFlags([], undefined)).toEqual([...SERVER_NODE_FLAGS]);
    expect(missingServerNodeFlags(['--enable-source-maps'], '')).toEqual([...SERVER_NODE_FLAGS]);
  });

  it('finds them on the command line or in NODE_OPTIONS', () => {
    expect(missingServerNodeFlags([...SERVER_NODE_FLAGS], undefined)).toEqual([]);
    expect(missingServerNodeFlags([], ` ${SERVER_NODE_FLAGS.join('  ')} --inspect`)).toEqual([]);
  });

  it('reads a flag by its name: underscores, or another value the operator chose', () => {
    expect(missingServerNodeFlags(['--max_semi_space_size=32'], undefined)).toEqual([]);
    expect(missingServerNodeFlags([], '--max-semi-space-size=64')).toEqual([]);
    // A value is not a flag, and a neighbouring flag's prefix is not this one.
    expect(missingServerNodeFlags(['max-semi-space-size'], '--max-semi-space')).toEqual([
      ...SERVER_NODE_FLAGS,
    ]);
  });
});

describe('launchers pass the server flags to node', () => {
  it('npm start', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const words = (scripts.start ?? '').split(/\s+/);
    expect(words[0]).toBe('node');
    const script = words.indexOf('bin/tts-proxy.js');
    expect(script).toBeGreaterThan(0);
    expect(missingServerNodeFlags(words.slice(1, script), undefined)).toEqual([]);
    expect(words.slice(1, script)).toEqual([...SERVER_NODE_FLAGS]);
  });

  it('the Docker image', () => {
    const cmd = read('docker/Dockerfile')
      .split('\n')
      .filter((line) => line.startsWith('CMD '))
      .pop();
    expect(cmd).toBeDefined();
    const words = JSON.parse((cmd ?? '').slice('CMD '.length)) as string[];
    expect(words[0]).toBe('node');
    const script = words.indexOf('bin/tts-proxy.js');
    expect(words.slice(1, script)).toEqual([...SERVER_NODE_FLAGS]);
    expect(words.slice(script)).toEqual(['bin/tts-proxy.js', 'serve']);
  });
});
