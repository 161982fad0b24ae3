import { formatLogLine } from '../../../src/util';

const time = Date.UTC(2026, 11, 5, 12, 3, 4, 567);

describe('formatLogLine', () => {
  it('prints time, level, message and the fields that matter, without pid/hostname/service', () => {
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 42,
      hostname: 'box',
      service: 'tts-proxy',
      reqId: 'r1',
      method: 'POST',
      url: '/v1/chat/completions',
      status: 200,
      msg: 'request completed',
    });
    expect(formatLogLine(line, { hasColor: false })).toBe(
      '12:03:04.567 INFO  request completed  reqId=r1 method=POST url=/v1/chat/completions status=200\n',
    );
  });

  it('quotes values with spaces, prints objects as JSON and indents an error stack', () => {
    const line = JSON.stringify({
      level: 50,
      time,
      msg: 'upstream failed',
      upstream: { name: 'policy', url: 'http://gpu:8000' },
      reason: 'connect refused',
      err: { message: 'boom', stack: 'Error: boom\n    at x (a.ts:1:1)' },
    });
    expect(formatLogLine(line, { hasColor: false })).toBe(
      '12:03:04.567 ERROR upstream failed  upstream={"name":"policy","url":"http://gpu:8000"} reason="connect refused"\n' +
        '    Error: boom\n        at x (a.ts:1:1)\n',
    );
  });

  it('colours the level only when asked, and passes non-JSON lines through', () => {
    const line = JSON.stringify({ level: 40, time, msg: 'slow' });
    expect(formatLogLine(line, { hasColor: true })).toBe(
      '12:03:04.567 \x1b[33mWARN \x1b[0m slow\n',
    );
    expect(formatLogLine('not json', { hasColor: false })).toBe('not json\n');
  });
});
