import { ReadBatch } from '../../../src/server/read-batch';

/** A relay that sends everything up to the last newline and keeps the rest. */
function lineRelay(sent: string[]): (bytes: Buffer) => Buffer | null {
  return (bytes) => {
    const cut = bytes.lastIndexOf(0x0a);
    if (cut < 0) return bytes;
    sent.push(bytes.subarray(0, cut + 1).toString());
    return cut + 1 < bytes.length ? bytes.subarray(cut + 1) : null;
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReadBatch', () => {
  it('relays the chunks added in one turn together, once, after the turn', async () => {
    const sent: string[] = [];
    const batch = new ReadBatch(lineRelay(sent));
    batch.add(Buffer.from('a\n'));
    batch.add(Buffer.from('b\n'));
    expect(sent).toEqual([]);
    await tick();
    expect(sent).toEqual(['a\nb\n']);
    batch.add(Buffer.from('c\n'));
    await tick();
    expect(sent).toEqual(['a\nb\n', 'c\n']);
  });

  it('puts what the relay left unsent in front of the next bytes', async () => {
    const sent: string[] = [];
    const batch = new ReadBatch(lineRelay(sent));
    batch.add(Buffer.from('da'));
    await tick();
    expect(sent).toEqual([]);
    expect(batch.pending?.toString()).toBe('da');
    batch.add(Buffer.from('ta\nrest'));
    await tick();
    expect(sent).toEqual(['data\n']);
    expect(batch.pending?.toString()).toBe('rest');
  });

  it('flushes at once when asked, and does nothing once closed', async () => {
    const sent: string[] = [];
    const batch = new ReadBatch(lineRelay(sent));
    batch.add(Buffer.from('x\n'));
    batch.flush();
    expect(sent).toEqual(['x\n']);
    batch.add(Buffer.from('y\n'));
    batch.close();
    batch.add(Buffer.from('z\n'));
    batch.flush();
    await tick();
    expect(sent).toEqual(['x\n']);
  });
});
