import {
  MAX_SPEED_DRIFT,
  calibrate,
  speedDrift,
  speedDriftReason,
  type Calibration,
} from '../../bench/lib/machine-speed';

const at = (cpuMs: number): Calibration => ({ cpu_ms: cpuMs, by_repeat_ms: [cpuMs] });

describe('machine speed calibration', () => {
  it('times a fixed workload: a positive median of its repeats', async () => {
    const calibration = await calibrate(3, 0);
    expect(calibration.by_repeat_ms).toHaveLength(3);
    expect(calibration.cpu_ms).toBeGreaterThan(0);
    const sorted = [...calibration.by_repeat_ms].sort((a, b) => a - b);
    expect(calibration.cpu_ms).toBe(sorted[1]);
  });

  it('spreads its repeats over time: a pause before each', async () => {
    const started = performance.now();
    const calibration = await calibrate(2, 50);
    expect(calibration.by_repeat_ms).toHaveLength(2);
    // Timers may fire a millisecond early on the loop clock.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('reads drift as end over start, less one', () => {
    expect(speedDrift(at(100), at(130))).toBe(0.3);
    expect(speedDrift(at(100), at(90))).toBe(-0.1);
    expect(speedDrift(null, at(90))).toBeNull();
    expect(speedDrift(at(0), at(90))).toBeNull();
  });

  it('flags a machine that slowed or sped up past the limit, either way, and not within it', () => {
    expect(MAX_SPEED_DRIFT).toBe(0.15);
    expect(speedDriftReason(at(100), at(114))).toBeNull();
    expect(speedDriftReason(at(100), at(100))).toBeNull();
    expect(speedDriftReason(at(100), at(117))).toMatch(
      /machine speed: .*117 ms of CPU at the end and 100 ms at the start/,
    );
    expect(speedDriftReason(at(100), at(80))).toMatch(/drift -0\.2/);
  });
});
