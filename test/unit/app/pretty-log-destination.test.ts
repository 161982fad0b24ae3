import pino from 'pino';
import {
  createPrettyLogDestination,
  hasColor,
  isPrettyLog,
} from '../../../src/app/pretty-log-destination';

describe('isPrettyLog', () => {
  it('is pretty for a terminal under auto, JSON for pipes, and obeys an explicit format', () => {
    expect(isPrettyLog('auto', { isTTY: true })).toBe(true);
    expect(isPrettyLog('auto', {})).toBe(false);
    expect(isPrettyLog('json', { isTTY: true })).toBe(false);
    expect(isPrettyLog('pretty', {})).toBe(true);
  });
});

describe('hasColor', () => {
  it('colours a terminal unless NO_COLOR is set or TERM is dumb', () => {
    expect(hasColor({}, { isTTY: true })).toBe(true);
    expect(hasColor({ NO_COLOR: '1' }, { isTTY: true })).toBe(false);
    expect(hasColor({ TERM: 'dumb' }, { isTTY: true })).toBe(false);
    expect(hasColor({}, {})).toBe(false);
  });
});

describe('createPrettyLogDestination', () => {
  it('turns each pino record into one readable line, written at once', () => {
    const written: string[] = [];
    const logger = pino(
      { base: { service: 'tts-proxy' } },
      createPrettyLogDestination({ write: (text) => written.push(text) }),
    );
    logger.info({ port: 8080 }, 'listening');
    logger.warn('upstream is simulated');
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  listening {2}port=8080\n$/);
    expect(written[1]).toMatch(/WARN {2}upstream is simulated\n$/);
  });
});
