/**
 * `node dist-bench/test/bench/run-adaptive.js`: the bench's adaptive section on its own (auto-16
 * vs Best-of-N at equal N and along the BoN-4/8/16/32 curve), against zero-latency simulators,
 * with the same seeds, problem counts and concurrency as `npm run bench`; about a minute. Prints
 * the section's JSON. `npm run bench:adaptive` builds and runs it.
 * Env: BENCH_SEEDS (comma-separated, default 1-5), BENCH_PROBLEMS (per seed, default 60),
 * BENCH_PROXY_ENV (JSON of TTS_PROXY__ overrides, e.g. to compare a setting).
 */
import { createLoadPool } from './lib/run-load';
import { startRig } from './lib/start-rig';
import { ADAPTIVE_REPLICATION, runAdaptive } from './sections/adaptive';

async function main(): Promise<void> {
  const seeds = process.env.BENCH_SEEDS
    ? process.env.BENCH_SEEDS.split(',').map(Number)
    : [...ADAPTIVE_REPLICATION.seeds];
  const problemsPerSeed = Number(
    process.env.BENCH_PROBLEMS ?? String(ADAPTIVE_REPLICATION.problemsPerSeed),
  );
  const rig = await startRig({
    latency: { perCallMs: 0, prefillMsPerToken: 0, decodeMsPerToken: 0 },
    proxyEnv: JSON.parse(process.env.BENCH_PROXY_ENV ?? '{}') as Record<string, string>,
  });
  const pool = createLoadPool(rig.proxyUrl, 16);
  try {
    const report = await runAdaptive(pool, {
      seeds,
      problemsPerSeed,
      concurrency: 8,
      policyStats: async () => (await rig.simStats()).policy,
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await pool.close();
    await rig.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
