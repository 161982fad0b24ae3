/**
 * A spy on `Object.setPrototypeOf` for the tests that hold requests and responses to being born
 * Express's (src/server/express-messages.ts): it records every call that CHANGED a request's or
 * response's prototype, and still makes the change.
 */
import http from 'node:http';

export function watchPrototypeChanges(): { changed: string[]; restore: () => void } {
  const original = Object.setPrototypeOf;
  const changed: string[] = [];
  const spy = jest
    .spyOn(Object, 'setPrototypeOf')
    .mockImplementation((target: unknown, proto: object | null) => {
      const isMessage =
        target instanceof http.IncomingMessage || target instanceof http.ServerResponse;
      if (isMessage && Object.getPrototypeOf(target) !== proto)
        changed.push(target instanceof http.IncomingMessage ? 'request' : 'response');
      return original(target, proto) as unknown;
    });
  return { changed, restore: () => spy.mockRestore() };
}
