import { configurePrmFamily } from '../../../../src/prm';
import { checkPrmJoinedTokenize, type UpstreamClient } from '../../../../src/upstream';
import { withPrmSim } from './with-prm-sim';

describe('checkPrmJoinedTokenize (start-up)', () => {
  it.each(['skywork-o1', 'rlhflow'] as const)(
    'lets %s join a batch into one /tokenize when the server keeps joined texts apart',
    async (name) => {
      await withPrmSim(name, async (client, model) => {
        const { family } = configurePrmFamily(name, undefined);
        await expect(checkPrmJoinedTokenize(client, model, family)).resolves.toEqual({
          joins: true,
          warning: null,
        });
      });
    },
  );

  it('keeps one call per path, saying so, when joined texts tokenize differently', async () => {
    await withPrmSim('skywork-o1', async (client, model) => {
      const { family } = configurePrmFamily('skywork-o1', undefined);
      // A server whose tokenizer does not split at the BOS: a joined text loses its second BOS.
      const merging: UpstreamClient = {
        ...client,
        postJson: async (path, body, signal) => {
          const answer = (await client.postJson(path, body, signal)) as { tokens: number[] };
          const tokens = answer.tokens.filter((id, index) => index === 0 || id !== 151643);
          return { ...answer, tokens, count: tokens.length };
        },
      };
      const result = await checkPrmJoinedTokenize(merging, model, family);
      expect(result.joins).toBe(false);
      expect(result.warning).toMatch(/each path is tokenized in its own \/tokenize call/);
    });
  });

  it('does nothing for a family without a start token', async () => {
    const { family } = configurePrmFamily('math-shepherd', undefined);
    const unused = {
      postJson: () => Promise.reject(new Error('called')),
    } as unknown as UpstreamClient;
    await expect(checkPrmJoinedTokenize(unused, 'm', family)).resolves.toEqual({
      joins: false,
      warning: null,
    });
  });
});
