import { shareHealthChecks } from '../../../src/app/health';
import type { HealthReport } from '../../../src/server';

const OK: HealthReport = { status: 'ok', upstreams: {} };

describe('shareHealthChecks', () => {
  it('gives concurrent callers one probe round, and reuses its report for a while', async () => {
    let clock = 0;
    let rounds = 0;
    let finish: (report: HealthReport) => void = () => undefined;
    const shared = shareHealthChecks(
      () => {
        rounds += 1;
        return new Promise<HealthReport>((resolve) => {
          finish = resolve;
        });
      },
      1000,
      () => clock,
    );
    const callers = Array.from({ length: 50 }, () => shared());
    expect(rounds).toBe(1);
    clock = 10;
    finish(OK);
    await expect(Promise.all(callers)).resolves.toEqual(Array.from({ length: 50 }, () => OK));
    clock = 1009;
    await expect(shared()).resolves.toBe(OK);
    expect(rounds).toBe(1);
    // Past the reuse window: a new round.
    clock = 1010;
    const next = shared();
    expect(rounds).toBe(2);
    finish({ status: 'down', upstreams: {} });
    await expect(next).resolves.toMatchObject({ status: 'down' });
  });

  it('does not keep a failed round: the next caller probes again', async () => {
    let rounds = 0;
    const shared = shareHealthChecks(
      () => {
        rounds += 1;
        return rounds === 1 ? Promise.reject(new Error('probe broke')) : Promise.resolve(OK);
      },
      1000,
      () => 0,
    );
    await expect(shared()).rejects.toThrow('probe broke');
    await expect(shared()).resolves.toBe(OK);
    expect(rounds).toBe(2);
  });
});
