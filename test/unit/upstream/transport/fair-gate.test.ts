import { FairGate } from '../../../../src/upstream/transport/fair-gate';

/** Enter and record, in order, which call got its turn. */
function enterAll(gate: FairGate, calls: [object, string][], admitted: string[]): Promise<void>[] {
  return calls.map(([lane, name]) => {
    const turn = gate.enter(lane, undefined);
    if (turn === null) {
      admitted.push(name);
      return Promise.resolve();
    }
    return turn.then(() => {
      admitted.push(name);
    });
  });
}

describe('FairGate', () => {
  it('takes a free slot without waiting, up to its capacity', () => {
    const gate = new FairGate(2);
    const lane = {};
    expect(gate.enter(lane, undefined)).toBeNull();
    expect(gate.enter(lane, undefined)).toBeNull();
    expect(gate.enter(lane, undefined)).toBeInstanceOf(Promise);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
  });

  it('lets waiting lanes through in turn, not in arrival order', async () => {
    const gate = new FairGate(1);
    const big = {};
    const small = {};
    const admitted: string[] = [];
    const turns = enterAll(
      gate,
      [
        [big, 'big-1'],
        [big, 'big-2'],
        [big, 'big-3'],
        [big, 'big-4'],
        [small, 'small-1'],
        [small, 'small-2'],
      ],
      admitted,
    );
    for (let i = 0; i < 5; i++) {
      gate.leave();
      await Promise.resolve();
    }
    await Promise.all(turns);
    // big-1 ran at once; then the lanes alternate while both wait.
    expect(admitted).toEqual(['big-1', 'big-2', 'small-1', 'big-3', 'small-2', 'big-4']);
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
  });

  it('drops a waiting call whose signal fires, without using a slot', async () => {
    const gate = new FairGate(1);
    const lane = {};
    expect(gate.enter(lane, undefined)).toBeNull();
    const controller = new AbortController();
    const waiting = gate.enter(lane, controller.signal);
    const after = gate.enter({}, undefined);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    gate.leave();
    await expect(after).resolves.toBeUndefined();
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
  });

  it('refuses at once a call whose signal already fired', async () => {
    const gate = new FairGate(1);
    expect(gate.enter({}, undefined)).toBeNull();
    await expect(gate.enter({}, AbortSignal.abort())).rejects.toThrow();
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
  });
});
