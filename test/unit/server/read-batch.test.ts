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

const noOverflow = (): void => {
  throw new Error('no overflow expected');
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReadBatch', () => {
  it('relays the chunks added in one turn together, once, after the turn', async () => {
    const sent: string[] = [];
    const batch = new ReadBatch(lineRelay(sent), noOverflow);
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
    const batch = new ReadBatch(lineRelay(sent), noOverflow);
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
    const batch = new ReadBatch(lineRelay(sent), noOverflow);
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

  it('holds a line without a line end as its chunks, and shows it to the relay once one comes', () => {
    let calls = 0;
    let seen = 0;
    const relay = (bytes: Buffer): Buffer | null => {
      calls += 1;
      seen += bytes.length;
      const cut = bytes.lastIndexOf(0x0a);
      return cut < 0 ? bytes : cut + 1 < bytes.length ? bytes.subarray(cut + 1) : null;
    };
    const batch = new ReadBatch(relay, noOverflow);
    const piece = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 100; i++) {
      batch.add(piece);
      batch.flush();
    }
    // The first read went to the relay; the 99 after it held no line end and waited.
    expect(calls).toBe(1);
    expect(batch.pending?.length).toBe(100 * piece.length);
    batch.add(Buffer.from('\n'));
    batch.flush();
    expect(calls).toBe(2);
    // Every byte was shown to the relay at most twice: linear, not once per read.
    expect(seen).toBe(piece.length + 100 * piece.length + 1);
    expect(batch.pending).toBeNull();
  });

  it('a CR counts as a line end too (a CR-only stream is normalised by the relay)', () => {
    const seen: string[] = [];
    const batch = new ReadBatch((bytes) => {
      seen.push(bytes.toString());
      return bytes.includes(0x0a) ? null : bytes;
    }, noOverflow);
    batch.add(Buffer.from('data: a'));
    batch.flush();
    batch.add(Buffer.from('\r'));
    batch.flush();
    expect(seen).toEqual(['data: a', 'data: a\r']);
  });

  it('closes and reports an incomplete line past its bound, once', () => {
    let overflows = 0;
    const sent: string[] = [];
    const batch = new ReadBatch(lineRelay(sent), () => (overflows += 1), 'line', 1000);
    batch.add(Buffer.from('ok\n' + 'x'.repeat(600)));
    batch.flush();
    expect(overflows).toBe(0);
    batch.add(Buffer.from('y'.repeat(600)));
    batch.flush();
    expect(overflows).toBe(1);
    expect(batch.pending).toBeNull();
    batch.add(Buffer.from('z'.repeat(600)));
    batch.flush();
    expect(overflows).toBe(1);
    expect(sent).toEqual(['ok\n']);
  });

  it('tells the relay how many leading bytes it searched already (what it held, and line-less chunks since)', () => {
    const calls: [string, number][] = [];
    const batch = new ReadBatch((bytes, held) => {
      calls.push([bytes.toString(), held]);
      const cut = bytes.lastIndexOf('\n\n');
      return cut < 0 ? bytes : cut + 2 < bytes.length ? bytes.subarray(cut + 2) : null;
    }, noOverflow);
    for (const chunk of ['data: a\n', 'data: b', 'c', '\n\n']) {
      batch.add(Buffer.from(chunk));
      batch.flush();
    }
    // 'data: b' and 'c' bring no line end: held, not shown; the relay then searches from byte 16.
    expect(calls).toEqual([
      ['data: a\n', 0],
      ['data: a\ndata: bc\n\n', 16],
    ]);
  });

  it('a relay of events is shown what it held only once a blank line may have come, across chunk seams too', () => {
    const seen: string[] = [];
    const batch = new ReadBatch(
      (bytes) => {
        seen.push(bytes.toString());
        const text = bytes.toString();
        const cut = Math.max(text.lastIndexOf('\n\n'), text.lastIndexOf('\r\n\r\n'));
        if (cut < 0) return bytes;
        const end = text.startsWith('\r\n\r\n', cut) ? cut + 4 : cut + 2;
        return end < bytes.length ? bytes.subarray(end) : null;
      },
      noOverflow,
      'event',
    );
    const feed = (chunk: string): void => {
      batch.add(Buffer.from(chunk));
      batch.flush();
    };
    // A multi-line event: each line's LF completes nothing, the blank line does.
    feed('data: a\n');
    feed('data: b\n');
    feed('data: c\n');
    feed('\n');
    // CRLF, its blank line split across chunks.
    feed('data: d\r\n');
    feed('\r');
    feed('\n');
    // (A CR after a line end may start a blank line: shown, kept, shown again with its LF.)
    expect(seen).toEqual([
      'data: a\n',
      'data: a\ndata: b\ndata: c\n\n',
      'data: d\r\n',
      'data: d\r\n\r',
      'data: d\r\n\r\n',
    ]);
    expect(batch.pending).toBeNull();
  });
});
