import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  cutByShutdown,
  isCutByShutdown,
  onCutShort,
  onShutdownCut,
} from '../../../src/server/shutdown-cut';

/** A response of no connection: 'close' and the cut are emitted by the test. */
function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('cutByShutdown', () => {
  it('marks the response, writes its answer, then stops its work', () => {
    const cut = response();
    const order: string[] = [];
    onShutdownCut(cut, () => order.push(`stop, marked: ${isCutByShutdown(cut)}`));
    cutByShutdown(cut, () => order.push(`answer, marked: ${isCutByShutdown(cut)}`));
    expect(order).toEqual(['answer, marked: true', 'stop, marked: true']);
  });
});

describe('onShutdownCut', () => {
  it('stops work that subscribes after the cut at once', () => {
    const cut = response();
    cutByShutdown(cut, () => undefined);
    const stop = jest.fn();
    onShutdownCut(cut, stop);
    expect(stop).toHaveBeenCalledTimes(1);
  });
});

describe('onCutShort', () => {
  it('stops once at the cut, not again at the close that follows it', () => {
    const cut = response();
    const stop = jest.fn();
    onCutShort(cut, stop);
    cutByShutdown(cut, () => undefined);
    cut.emit('close');
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('stops when the response closes unfinished (the client left)', () => {
    const left = response();
    const stop = jest.fn();
    onCutShort(left, stop);
    left.emit('close');
    expect(stop).toHaveBeenCalledTimes(1);
    expect(isCutByShutdown(left)).toBe(false);
  });
});
