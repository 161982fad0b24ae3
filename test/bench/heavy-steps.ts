/**
 * `node dist-bench/test/bench/heavy-steps.js [n]`: the CPU of each synchronous step a Best-of-N
 * request with all-distinct answers runs on the event loop between two awaits, over `n` (64)
 * samples written by the policy simulator (`answerForms: 'all-distinct'`, as the event-loop
 * section's heavy load): parsing the policy's answer, splitting the samples into steps,
 * extracting their answers, rendering the PRM inputs and serialising the PRM request. A step
 * that takes a large part of a millisecond is worth splitting with a yield; the event-loop
 * section's `proxy_longest_on_cpu_in_one_late_tick_ms_by_round` says whether late ticks point
 * there (docs/performance.md#what-a-loaded-phase-costs-the-event-loop).
 */
import { extractAnswer } from '../../src/answer';
import { qwenMathPrm } from '../../src/prm';
import { generateProblems } from '../../src/sim';
import { splitSteps } from '../../src/tts';
import { SIM_POLICY_NAME, SIM_PRM_NAME } from './lib/sim-names';
import { startRig } from './lib/start-rig';

/** Process CPU per call of `step` in ms, after a warm-up (V8 optimises the hot code first). */
function cpuPerCallMs(step: () => unknown, calls = 300): number {
  for (let i = 0; i < 50; i++) step();
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) step();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / calls;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 64);
  const rig = await startRig({
    answerForms: 'all-distinct',
    latency: { perCallMs: 0, prefillMsPerToken: 0, decodeMsPerToken: 0 },
  });
  try {
    const question = generateProblems({ seed: 7, count: 1 })[0]?.problem ?? '';
    const response = await fetch(`${rig.policyUrl}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: SIM_POLICY_NAME,
        prompt: question,
        n,
        max_tokens: 4096,
        temperature: 0.7,
        seed: 1,
      }),
    });
    const body = await response.text();
    const texts = (JSON.parse(body) as { choices: { text: string }[] }).choices.map(
      (choice) => choice.text,
    );
    const inputs = texts.map((text) => qwenMathPrm.render(question, splitSteps(text)).text);
    const steps: Record<string, () => unknown> = {
      'parse the policy answer': () => JSON.parse(body) as unknown,
      'split the samples into steps': () => texts.map((text) => splitSteps(text)),
      'extract the answers': () => texts.map((text) => extractAnswer(text)),
      'render the PRM inputs': () =>
        texts.map((text) => qwenMathPrm.render(question, splitSteps(text))),
      'serialise the PRM request': () =>
        JSON.stringify({ model: SIM_PRM_NAME, input: inputs, add_special_tokens: false }),
    };
    const report: Record<string, number> = {};
    for (const [name, step] of Object.entries(steps))
      report[name] = Math.round(cpuPerCallMs(step) * 1000) / 1000;
    process.stdout.write(
      JSON.stringify(
        { samples: texts.length, policy_answer_bytes: body.length, cpu_ms_per_step: report },
        null,
        1,
      ) + '\n',
    );
  } finally {
    await rig.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error) + '\n');
  process.exit(1);
});
