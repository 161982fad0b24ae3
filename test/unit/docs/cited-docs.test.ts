/**
 * Everything the project cites is in the repository: code, tests, config and docs cite `docs/…`
 * files that exist (and, with `#anchor`, a heading that exists), and nothing cites the research
 * notes the project was started from, which readers of the repository cannot open.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SELF = path.relative(ROOT, __filename);

/** Docs other issues are writing; the README may link them before they land. */
const PLANNED_DOCS = new Set<string>([
  'docs/deployment.md',
  'docs/upstream-apis.md',
  'docs/answers.md',
  'docs/request-scope.md',
  'docs/simulated-world.md',
]);

/** Research notes outside the repository (their names, as the code used to cite them). */
const RESEARCH_NOTE =
  /(?<![\w/-])(paper|peers|upstream-apis|real-servers-audit|toolchain)\.md\b|shared\/research|\.\.\/shared\/(?!data\b)/g;

function listFiles(dir: string, extensions: readonly string[]): string[] {
  const absolute = path.join(ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(ROOT, relative)).isDirectory()) return listFiles(relative, extensions);
    return extensions.some((extension) => name.endsWith(extension)) ? [relative] : [];
  });
}

const CODE_FILES = [
  ...listFiles('src', ['.ts']),
  ...listFiles('test', ['.ts', '.json', '.yaml']),
  ...listFiles('config', ['.yaml']),
  ...listFiles('docker', ['.yaml', 'Dockerfile']),
].filter((file) => file !== SELF);
const MARKDOWN_FILES = ['README.md', 'CONTRIBUTING.md', ...listFiles('docs', ['.md'])];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const heading = (match[1] ?? '').trim().toLowerCase();
    anchors.add(heading.replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return anchors;
}

/** Why a cited `file#anchor` does not resolve, or undefined when it does. */
function problemWith(target: string, anchor: string | undefined): string | undefined {
  if (!existsSync(path.join(ROOT, target))) {
    return PLANNED_DOCS.has(target) ? undefined : `${target} does not exist`;
  }
  if (anchor === undefined || !target.endsWith('.md')) return undefined;
  const anchors = anchorsOf(readFileSync(path.join(ROOT, target), 'utf8'));
  return anchors.has(anchor) ? undefined : `${target} has no section #${anchor}`;
}

describe('cited documents', () => {
  it('code, tests and config cite no research note outside the repository', () => {
    const found = CODE_FILES.flatMap((file) =>
      [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(RESEARCH_NOTE)].map(
        (match) => `${file}: ${match[0]}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('every docs/… file (and section) cited by code, tests and config exists', () => {
    const problems = CODE_FILES.flatMap((file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return [...text.matchAll(/\bdocs\/([\w.-]+\.md)(?:#([\w-]+))?/g)].flatMap((match) => {
        const problem = problemWith(`docs/${match[1] ?? ''}`, match[2]);
        return problem === undefined ? [] : [`${file}: ${problem}`];
      });
    });
    expect(problems).toEqual([]);
  });

  it('every relative link in the README and docs resolves', () => {
    const problems = MARKDOWN_FILES.flatMap((file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return [...text.matchAll(/\]\((?!https?:|mailto:)([^)\s#]*)(?:#([^)\s]+))?\)/g)].flatMap(
        (match) => {
          const target =
            match[1] === '' ? file : path.normalize(path.join(path.dirname(file), match[1] ?? ''));
          const problem = problemWith(target, match[2]);
          return problem === undefined ? [] : [`${file}: ${problem}`];
        },
      );
    });
    expect(problems).toEqual([]);
  });
});
