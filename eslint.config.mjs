// ESLint flat config (STYLE.md §3 "ESLint and Prettier"; boundary rules from §2.3).
// Type-aware: typescript-eslint's recommendedTypeChecked over every .ts file in src/ and test/,
// through the project service (tsconfig.json covers src/ and test/, test/bench/ included).
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Dependency boundaries (STYLE.md §2.3). Each src/ folder gets one no-restricted-imports entry
// listing the folders of ours it must not reach. A relative specifier is matched by its last
// `../` hop, e.g. `../config` or `../../upstream/x`; no folder inside src/<folder>/ shares a name
// with a top-level folder, so the match cannot be a sibling subfolder.
// ---------------------------------------------------------------------------------------------
const FOLDERS = [
  'answer',
  'app',
  'calibrate',
  'cli',
  'config',
  'contracts',
  'errors',
  'eval',
  'pipeline',
  'prm',
  'prompt',
  'select',
  'server',
  'sim',
  'tts',
  'upstream',
  'util',
  'workers',
  'main',
];

/** @param {string[]} folders */
const ourFolders = (folders) => `^(\\.\\./)+(${folders.join('|')})(/.*)?$`;

/**
 * @param {string} self      the folder the rule applies to
 * @param {string[]} allowed folders it may import (values and types)
 * @param {string[]} typesOnly folders it may import types from, nothing else
 */
const folderPatterns = (self, allowed, typesOnly = []) => {
  const banned = FOLDERS.filter(
    (f) => f !== self && !allowed.includes(f) && !typesOnly.includes(f),
  );
  const patterns = [];
  if (banned.length > 0) {
    patterns.push({
      regex: ourFolders(banned),
      message: `src/${self} may not import this folder (STYLE.md §2.3 dependency rules).`,
    });
  }
  if (typesOnly.length > 0) {
    patterns.push({
      regex: ourFolders(typesOnly),
      allowTypeImports: true,
      message: `src/${self} may import only types from this folder (STYLE.md §2.3); use \`import type\`.`,
    });
  }
  return patterns;
};

const nodeIo = (name) => [name, `node:${name}`];
// Packages that do I/O (network, files, processes): banned in the pure folders.
const IO_PACKAGES = [
  'express',
  'http-proxy-middleware',
  'undici',
  ...nodeIo('http'),
  ...nodeIo('https'),
  ...nodeIo('http2'),
  ...nodeIo('net'),
  ...nodeIo('tls'),
  ...nodeIo('dgram'),
  ...nodeIo('dns'),
  ...nodeIo('fs'),
  ...nodeIo('fs/promises'),
  ...nodeIo('child_process'),
  ...nodeIo('worker_threads'),
].map((name) => ({ name, message: 'Pure folder: no I/O here (STYLE.md §2.3).' }));

const EXPRESS = [
  { name: 'express', message: 'Only src/server imports express (STYLE.md §2.1).' },
  { name: 'http-proxy-middleware', message: 'Only src/server builds HTTP middleware.' },
];

/**
 * @param {string} self
 * @param {{ allowed: string[], typesOnly?: string[], paths?: { name: string, message: string }[] }} rule
 */
const boundary = (self, { allowed, typesOnly = [], paths = [], patterns = [] }) => ({
  name: `tts-proxy/boundary/${self}`,
  files: [`src/${self}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      { paths, patterns: [...folderPatterns(self, allowed, typesOnly), ...patterns] },
    ],
  },
});

const UPSTREAM_RULE = {
  allowed: ['prm', 'prompt', 'util', 'errors', 'tts'],
  typesOnly: ['contracts'],
  paths: EXPRESS,
};

// The tools (cli/, eval/) build what they need through src/app/, never through the server's
// entry point main.ts.
const NO_MAIN = [
  {
    regex: '^(\\.\\./)+main$',
    message: 'cli/ and eval/ build servers through src/app/, not main.ts (issue 16).',
  },
];

// Randomness and time come in through deps; the process is the composition roots' business.
const PURE_FOLDERS = ['tts', 'answer', 'select', 'calibrate', 'prm', 'prompt'];
const pureGlobals = {
  name: 'tts-proxy/pure-globals',
  files: PURE_FOLDERS.map((f) => `src/${f}/**/*.ts`),
  rules: {
    'no-restricted-globals': [
      'error',
      { name: 'process', message: 'Pure folder: env, argv and exit belong to main.ts and cli/.' },
      { name: 'fetch', message: 'Pure folder: network calls leave from src/upstream.' },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: 'Use the seeded random passed in deps.' },
      { object: 'Date', property: 'now', message: 'Pure folder: take the time from deps.' },
      { object: 'performance', property: 'now', message: 'Pure folder: take the time from deps.' },
      { object: 'globalThis', property: 'process', message: 'Pure folder: no process access.' },
    ],
  },
};

// What a request allocates must die young. Each pattern below kept whole requests through V8's
// scavenges (promoted to the old generation, freed only by a mark-compact), measured in
// docs/performance.md#what-a-scavenge-keeps.
const youngObjects = {
  name: 'tts-proxy/young-objects',
  files: ['src/**/*.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector: "Property[kind='get'], Property[kind='set']",
        message:
          'No getter or setter in an object literal: defined with a new closure per object, it kept whole requests through scavenges. Use a class (the accessor on its prototype) or a data property (docs/performance.md#what-a-scavenge-keeps).',
      },
      {
        selector: ':function ClassDeclaration, :function ClassExpression',
        message:
          'A class declared inside a function is a new hidden class per call; declare it at module level (docs/performance.md#what-a-scavenge-keeps).',
      },
      {
        selector:
          "CallExpression[callee.object.name='Object'][callee.property.name='setPrototypeOf']",
        message:
          'Changing a prototype per object makes V8 keep it through scavenges; construct it with its prototype (docs/performance.md#what-a-scavenge-keeps).',
      },
      {
        selector: 'NewExpression[callee.name=/^Weak(Map|Set|Ref)$/]',
        message:
          'A module-wide weak table keyed by per-request objects kept them through scavenges until a mark-compact. Keep a per-request memo in the request; justify a weak table with long-lived keys in a disable comment (docs/performance.md#what-a-scavenge-keeps).',
      },
    ],
  },
};

export default defineConfig(
  globalIgnores([
    'dist/',
    'dist-bench/',
    'node_modules/',
    'coverage/',
    'bench-results/',
    '.ci-out/',
  ]),

  {
    name: 'tts-proxy/linter-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  {
    name: 'tts-proxy/typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      // The promise rules matter most in a server.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default:` branch is a deliberate catch-all (e.g. "every other kind maps as-is"); switches
      // without one must still name every member of the union.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      // Same latitude as only-throw-error's defaults: passing on a caught `unknown` or an
      // AbortSignal's `reason` (typed `any`) is re-raising, not inventing a non-Error.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // `_name` marks a binding kept on purpose: Express's 4-argument error handler, a property
      // destructured away from a rest object, an ignored tuple slot.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // warn, not error: 25 async functions without `await` implement promise-returning contracts
      // (fakes, simulator routes, the replay upstream). Dropping `async` would make a throw in
      // their body synchronous instead of a rejected promise, a behaviour change at each site.
      '@typescript-eslint/require-await': 'warn',
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },

  {
    name: 'tts-proxy/jest',
    files: ['test/**/*.ts'],
    extends: [jest.configs['flat/recommended']],
    rules: {
      // Property tests assert through fast-check.
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'fc.assert'] }],
      // Suites that skip themselves when a tool is missing (`const itWithX = ok ? it : it.skip`).
      'jest/no-standalone-expect': [
        'error',
        {
          additionalTestBlockFunctions: ['test', 'itWithCompose', 'itWithKubectl', 'itWithClient'],
        },
      ],
      // A describe title held in a variable (e.g. one that says why the suite is skipped); tsc
      // already checks its type.
      'jest/valid-title': ['error', { ignoreTypeOfDescribeName: true }],
      // warn, not error: 40 assertions in 16 files are deliberately conditional (per-strategy checks
      // in parameterised suites, optional early-stop fields, status-dependent load loops);
      // restructuring them is a test rewrite, not a lint fix.
      'jest/no-conditional-expect': 'warn',
      // warn, not error, in tests only (src/ has none): ~110 findings, almost all on supertest's
      // `res.body` and JSON.parse results, which are `any`. Typing every response body is a rewrite
      // of the integration suites.
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
    },
  },
  {
    // Shared conformance suites (method, PRM family, policy) are exported for the recipes in
    // CONTRIBUTING.md; they are helpers, not test files.
    name: 'tts-proxy/jest-shared-suites',
    files: ['test/**/*.ts'],
    ignores: ['test/**/*.test.ts'],
    rules: { 'jest/no-export': 'off' },
  },
  {
    // warn, not error: test/bench/ is being changed by others right now; its five findings
    // (an unnecessary assertion, an `unknown` in a template string, three unbound `pool.*` method
    // references) are left for its owners.
    name: 'tts-proxy/bench',
    files: ['test/bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
      '@typescript-eslint/restrict-template-expressions': 'warn',
      '@typescript-eslint/unbound-method': 'warn',
    },
  },

  // Plain JavaScript (bin/, jest.config.js, this file): not in a tsconfig, so no type-aware rules.
  {
    name: 'tts-proxy/javascript',
    files: ['**/*.{js,cjs,mjs}'],
    rules: { eqeqeq: ['error', 'always', { null: 'ignore' }] },
  },

  // §2.3, one entry per folder. main.ts and app/ (the composition root) may import anything;
  // cli/ and eval/ (the eval harness behind the CLI) too, except main.ts.
  boundary('util', { allowed: [] }),
  boundary('errors', { allowed: ['util'] }),
  boundary('answer', { allowed: ['util', 'errors'], paths: IO_PACKAGES }),
  boundary('prompt', { allowed: ['util', 'errors'], paths: IO_PACKAGES }),
  boundary('prm', { allowed: ['util', 'errors', 'prompt'], paths: IO_PACKAGES }),
  boundary('tts', { allowed: ['answer', 'util', 'errors'], paths: IO_PACKAGES }),
  // select reads the family and vote lists from the folders that own them (prm, prompt, answer).
  boundary('select', {
    allowed: ['tts', 'answer', 'util', 'errors', 'prm', 'prompt'],
    paths: IO_PACKAGES,
  }),
  // The offline calibration fit: pure like select/ and built on it; only the tools (cli/, eval/)
  // import it, so nothing on the serving path can (every other boundary bans it).
  boundary('calibrate', {
    allowed: ['select', 'tts', 'answer', 'util', 'errors', 'prm', 'prompt'],
    paths: IO_PACKAGES,
  }),
  // The contracts the pipeline consumes and upstream adapters implement: types only.
  boundary('contracts', { allowed: [], typesOnly: ['tts', 'select', 'util'], paths: IO_PACKAGES }),
  boundary('pipeline', {
    allowed: ['tts', 'answer', 'util', 'errors', 'select'],
    typesOnly: ['contracts'],
    paths: EXPRESS,
  }),
  // upstream implements the contracts; it never reaches up into pipeline/. Of tts/ it uses the
  // Policy/Verifier types and the method list.
  boundary('upstream', UPSTREAM_RULE),
  // Inside upstream/: the transport knows no serving stack, and one stack's adapter never borrows
  // another's (what they share sits at upstream/'s top level).
  {
    ...boundary('upstream', {
      ...UPSTREAM_RULE,
      patterns: [
        {
          regex: '^\\.\\./(vllm|stacks)(/.*)?$',
          message: 'upstream/transport moves bytes for every stack; it may not import an adapter.',
        },
      ],
    }),
    name: 'tts-proxy/boundary/upstream-transport',
    files: ['src/upstream/transport/**/*.ts'],
  },
  {
    ...boundary('upstream', {
      ...UPSTREAM_RULE,
      patterns: [
        {
          regex: '^\\.\\./vllm(/.*)?$',
          message:
            'A stack adapter may not import the vLLM adapter; move what both need up a level.',
        },
      ],
    }),
    name: 'tts-proxy/boundary/upstream-stacks',
    files: ['src/upstream/stacks/**/*.ts'],
  },
  // server owns passthrough: it reaches the upstream only through the ChatForwarder contract.
  boundary('server', {
    allowed: ['pipeline', 'answer', 'errors', 'util'],
    typesOnly: ['tts', 'contracts'],
  }),
  boundary('sim', { allowed: ['util', 'errors'] }),
  // Worker threads that run pure work off the event loop; built by the composition root.
  boundary('workers', { allowed: ['answer', 'util', 'errors'], paths: EXPRESS }),
  // config derives its enums from the lists' owners; of upstream/, only the stack-kind list.
  boundary('config', {
    allowed: ['errors', 'util', 'prm', 'prompt', 'answer', 'select', 'tts', 'upstream'],
    patterns: [
      {
        regex: '^(\\.\\./)+upstream(?!/stack-kinds$)(/.*)?$',
        message: 'src/config may import only upstream/stack-kinds from upstream/.',
      },
    ],
  }),
  // The composition root builds the server: not the tools, not the offline fit.
  boundary('app', {
    allowed: FOLDERS.filter((f) => !['calibrate', 'cli', 'eval', 'main'].includes(f)),
  }),
  boundary('cli', { allowed: FOLDERS, patterns: NO_MAIN }),
  boundary('eval', { allowed: FOLDERS, patterns: NO_MAIN }),
  pureGlobals,
  youngObjects,
);
