/**
 * The eval report in a real browser: Debian's `chromium` loads report.html from disk with
 * networking disabled and we check the rendered DOM has the plots and the title. Skipped, with a
 * message, where Chromium is not installed (`apt-get install -y --no-install-recommends chromium`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { runEval } from '../../src/eval';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = path.resolve(__dirname, '../../config/demo-problems.jsonl');
const CONFIG = path.resolve(__dirname, '../../config/default.yaml');
const hasChromium = existsSync(CHROMIUM);
const run = promisify(execFile);

const test = hasChromium ? it : it.skip;
if (!hasChromium)
  console.warn(
    `report-browser.test.ts: SKIPPED, ${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium)`,
  );
const title = hasChromium
  ? 'report.html in headless Chromium'
  : `report.html in headless Chromium (SKIPPED: ${CHROMIUM} not found; install it with apt-get install -y --no-install-recommends chromium)`;

describe(title, () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'tts-eval-browser-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('renders the title and every plot offline', async () => {
    const outDir = path.join(root, 'out');
    const { files } = await runEval({
      datasetPath: DEMO,
      configPath: CONFIG,
      env: {},
      arms: ['cot', 'majority', 'beam_search'],
      budgets: [4, 16],
      limit: 6,
      concurrency: 4,
      outDir,
    });
    const expectedPlots = (readFileSync(files.report, 'utf8').match(/<svg class="plot"/g) ?? [])
      .length;
    // Accuracy vs budget, accuracy vs FLOPs, and one per-level bar chart per budget.
    expect(expectedPlots).toBe(4);

    const { stdout } = await run(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${path.join(root, 'profile')}`,
        '--dump-dom',
        pathToFileURL(files.report).href,
      ],
      { timeout: 30_000, maxBuffer: 32 * 1024 * 1024 },
    );
    expect(stdout).toMatch(
      /<title>tts-proxy eval: qwen2\.5-1\.5b-instruct on .*demo-problems\.jsonl<\/title>/,
    );
    expect(stdout.match(/<svg class="plot"/g)).toHaveLength(expectedPlots);
    expect(stdout).toContain('Accuracy vs budget');
    expect(stdout).toContain('Accuracy vs FLOPs');
    expect(stdout.match(/<circle /g)?.length).toBeGreaterThan(0);
    expect(stdout.match(/<rect class="bar"/g)?.length).toBeGreaterThan(0);
  }, 60_000);
});
