import { createProgressReporter, formatDuration } from '../../../src/eval';

function harness(isTty: boolean, total: number) {
  const writes: string[] = [];
  let now = 0;
  const reporter = createProgressReporter({
    total,
    isTty,
    write: (text) => writes.push(text),
    now: () => now,
    columns: 100,
  });
  return { writes, reporter, tick: (ms: number) => (now += ms) };
}

describe('formatDuration', () => {
  it('prints m:ss or h:mm:ss, and --:-- when unknown', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('--:--');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
  });
});

describe('createProgressReporter', () => {
  it('prints a plain line at every 5% when not a terminal', () => {
    const { writes, reporter, tick } = harness(false, 40);
    for (let i = 0; i < 40; i++) {
      tick(500);
      reporter.advance(i === 1);
    }
    reporter.finish('done: 40 request(s)');
    expect(writes).toHaveLength(21);
    expect(writes[0]).toBe('eval: 2/40 5%, 1 error, elapsed 0:01, ETA 0:19\n');
    expect(writes.every((line) => !line.includes('\r'))).toBe(true);
    expect(writes.at(-1)).toBe('done: 40 request(s)\n');
  });
  it('redraws a bar in place on a terminal, at most every 100 ms, with an ETA', () => {
    const { writes, reporter, tick } = harness(true, 10);
    expect(writes[0]).toMatch(/^\r\[\.+\] 0\/10 0%, elapsed 0:00, ETA --:--/);
    tick(1000);
    reporter.advance(false);
    reporter.advance(false);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toMatch(/^\r\[#+\.+\] 1\/10 10%, elapsed 0:01, ETA 0:09\u001b\[K$/);
    tick(1000);
    reporter.advance(true);
    expect(writes[2]).toContain('3/10 30%, 1 error');
    reporter.finish('stopped');
    expect(writes.slice(-2)).toEqual(['\n', 'stopped\n']);
  });
});
