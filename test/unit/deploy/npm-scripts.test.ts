import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

describe('npm start', () => {
  it('builds incrementally: an up-to-date dist is not compiled again', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts.prestart).toBe('npm run build');
    // tsc --build compares the sources with dist/.tsbuildinfo and skips an up-to-date build.
    expect(scripts.build).toBe('tsc --build tsconfig.build.json');
    const build = JSON.parse(read('tsconfig.build.json')) as {
      compilerOptions: { tsBuildInfoFile?: string; outDir?: string };
    };
    expect(build.compilerOptions.tsBuildInfoFile).toBe('dist/.tsbuildinfo');
    // Inside dist/: deleting dist forces a full build, and git ignores it.
    expect(read('.gitignore').split('\n')).toContain('dist/');
    expect(scripts.bench).toMatch(/^tsc --build tsconfig\.bench\.json && /);
  });
});
