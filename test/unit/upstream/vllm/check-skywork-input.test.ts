import { ConfigError } from '../../../../src/errors';
import { configurePrmFamily, createSkyworkO1Family } from '../../../../src/prm';
import { checkSkyworkInput, type UpstreamClient } from '../../../../src/upstream';
import { withPrmSim } from './with-prm-sim';

const skywork = configurePrmFamily('skywork-o1', undefined).family;

describe('checkSkyworkInput (start-up, against the PRM server tokenizer)', () => {
  it("passes when the proxy's ids equal Skywork's prepare_input built from the server's /tokenize, and says what it could not confirm", async () => {
    await withPrmSim('skywork-o1', async (client, model, sim) => {
      const result = await checkSkyworkInput(client, model, skywork, 'prms.0.family');
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(/adds no BOS of its own.*"<\|endoftext\|>"/);
      expect(sim.stats().requestsByRoute['POST /tokenize']).toBeGreaterThan(1);
    });
  });

  it('does nothing for other families', async () => {
    const { family } = configurePrmFamily('qwen2.5-math-prm', undefined);
    const unused = {
      postJson: () => Promise.reject(new Error('called')),
    } as unknown as UpstreamClient;
    await expect(checkSkyworkInput(unused, 'm', family, 'prms.0.family')).resolves.toEqual({
      warnings: [],
    });
  });

  it('refuses a tokenizer that adds its own BOS to every text (the reference would start with it twice)', async () => {
    await withPrmSim('skywork-o1', async (client, model) => {
      const addsBos: UpstreamClient = {
        ...client,
        async postJson(path, body, signal) {
          const answer = (await client.postJson(path, body, signal)) as { tokens: number[] };
          const asks = (body as { add_special_tokens?: boolean }).add_special_tokens;
          if (path !== '/tokenize' || asks !== true) return answer;
          const tokens = [151643, ...answer.tokens];
          return { ...answer, tokens, count: tokens.length };
        },
      };
      const failure = await checkSkyworkInput(addsBos, model, skywork, 'prms.0.family').catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toMatch(
        /at token 1: reference 151643.*adds \[151643\] to every encoded text.*Skywork-o1-Open-PRM-Qwen-2\.5/,
      );
    });
  });

  it('refuses a BOS text that is not one token on this server', async () => {
    await withPrmSim('skywork-o1', async (client, model) => {
      const family = createSkyworkO1Family({ bosText: '<s>', bosTokenId: 29 });
      await expect(checkSkyworkInput(client, model, family, 'prms.0.family')).rejects.toThrow(
        /BOS the family writes, "<s>", is \d+ tokens here/,
      );
    });
  });

  it("refuses a server whose tokenizer splits the step placeholder (not Skywork's Qwen2.5 vocabulary)", async () => {
    await withPrmSim('rlhflow', async (client, model) => {
      await expect(checkSkyworkInput(client, model, skywork, 'prms.0.family')).rejects.toThrow(
        /does not keep the step placeholder as one token/,
      );
    });
  });
});
