import { FairGate, Lane } from '../../../../src/upstream/transport/fair-gate';

/** Enter and record, in order, which call got its turn. */
function enterAll(gate: FairGate, calls: [Lane, string][], admitted: string[]): Promise<void>[] {
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
    const lane = new Lane();
    expect(gate.enter(lane, undefined)).toBeNull();
    expect(gate.enter(lane, undefined)).toBeNull();
    expect(gate.enter(lane, undefined)).toBeInstanceOf(Promise);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
  });

  it('lets waiting lanes through in turn, not in arrival order', async () => {
    const gate = new FairGate(1);
    const big = new Lane();
    const small = new Lane();
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
    const lane = new Lane();
    expect(gate.enter(lane, undefined)).toBeNull();
    const controller = new AbortController();
    const waiting = gate.enter(lane, controller.signal);
    const after = gate.enter(new Lane(), undefined);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    gate.leave();
    await expect(after).resolves.toBeUndefined();
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
  });

  it('refuses at once a call whose signal already fired', async () => {
    const gate = new FairGate(1);
    expect(gate.enter(new Lane(), undefined)).toBeNull();
    await expect(gate.enter(new Lane(), AbortSignal.abort())).rejects.toThrow();
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
  });

  it("gives one owner's lanes one turn between them, and rotates them within it", async () => {
    const gate = new FairGate(1);
    const key = {};
    const searches = [new Lane(key), new Lane(key), new Lane(key)];
    const other = new Lane({});
    const admitted: string[] = [];
    const turns = enterAll(
      gate,
      [
        [searches[0] as Lane, 'a-1'],
        [searches[0] as Lane, 'a-2'],
        [searches[1] as Lane, 'b-1'],
        [searches[2] as Lane, 'c-1'],
        [searches[0] as Lane, 'a-3'],
        [other, 'other-1'],
        [other, 'other-2'],
      ],
      admitted,
    );
    for (let i = 0; i < 6; i++) {
      gate.leave();
      await Promise.resolve();
    }
    await Promise.all(turns);
    // a-1 ran at once. Then the key and the other owner alternate, whatever the number of the
    // key's requests (as lanes of their own, the other would have waited behind a, b and c),
    // and within the key its requests take their turns in order.
    expect(admitted).toEqual(['a-1', 'a-2', 'other-1', 'b-1', 'other-2', 'c-1', 'a-3']);
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
  });

  it("drops an owner's aborted call and keeps its other lanes in turn", async () => {
    const gate = new FairGate(1);
    const key = {};
    const first = new Lane(key);
    const second = new Lane(key);
    expect(gate.enter(first, undefined)).toBeNull();
    const controller = new AbortController();
    const dropped = gate.enter(first, controller.signal);
    const kept = gate.enter(second, undefined);
    controller.abort(new Error('client left'));
    await expect(dropped).rejects.toThrow('client left');
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    gate.leave();
    await expect(kept).resolves.toBeUndefined();
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
  });
});
