/** `tts-proxy sim`: a simulated vLLM policy + PRM pair on two ports, for trying clients by hand. */
import { startSimulator } from '../../sim';
import { numberFlag, stringFlag, type CommandSpec, type ParsedArgs } from '../args';

const PORT = { kind: 'integer', placeholder: 'N', min: 0, max: 65535 } as const;

export const SIM_COMMAND: CommandSpec = {
  name: 'sim',
  summary: 'Start a simulated vLLM policy server and PRM server (no GPU, labelled as simulated).',
  usage: '[options]',
  flags: [
    { name: 'policy-port', ...PORT, description: 'policy server port (default 8001)' },
    { name: 'prm-port', ...PORT, description: 'PRM server port (default 8002)' },
    {
      name: 'host',
      kind: 'string',
      placeholder: 'HOST',
      description: 'bind address (default 127.0.0.1)',
    },
    {
      name: 'policy-model',
      kind: 'string',
      placeholder: 'NAME',
      description: 'served policy model id (default sim-qwen2.5-1.5b-instruct)',
    },
    {
      name: 'prm-model',
      kind: 'string',
      placeholder: 'NAME',
      description: 'served PRM id (default sim-qwen2.5-math-prm-7b)',
    },
    {
      name: 'params-b',
      kind: 'number',
      placeholder: 'B',
      min: 0.1,
      description: 'policy size in billions of parameters; sets its accuracy (default 1.5)',
    },
    {
      name: 'quality',
      kind: 'number',
      placeholder: 'Q',
      min: 0,
      max: 1,
      description: 'PRM quality: 1 = perfect step judge, 0 = uninformative (default 0.85)',
    },
    { name: 'seed', kind: 'integer', placeholder: 'S', description: 'world seed (default 1234)' },
  ],
};

export async function simCommand(args: ParsedArgs): Promise<void> {
  const seed = numberFlag(args, 'seed', 1234);
  const host = stringFlag(args, 'host') ?? '127.0.0.1';
  const log = (line: string): void => console.error(line);
  const policy = await startSimulator({
    role: 'policy',
    seed,
    host,
    port: numberFlag(args, 'policy-port', 8001),
    log,
    model: {
      servedName: stringFlag(args, 'policy-model') ?? 'sim-qwen2.5-1.5b-instruct',
      paramsB: numberFlag(args, 'params-b', 1.5),
      family: 'qwen2.5',
    },
  });
  const prm = await startSimulator({
    role: 'prm',
    seed: seed + 1,
    host,
    port: numberFlag(args, 'prm-port', 8002),
    log,
    model: {
      servedName: stringFlag(args, 'prm-model') ?? 'sim-qwen2.5-math-prm-7b',
      paramsB: 7,
      family: 'qwen2.5-math-prm',
      quality: numberFlag(args, 'quality', 0.85),
    },
  });
  console.error(`SIMULATED vLLM upstreams (no real model): policy ${policy.url}, PRM ${prm.url}`);
  const stop = (): void =>
    void Promise.all([policy.close(), prm.close()]).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
