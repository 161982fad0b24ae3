/**
 * `http.createServer` options under which every request and response is BORN an Express one: its
 * constructor's prototype is the app's `app.request` / `app.response`, so nothing changes an
 * object's prototype while it is served.
 *
 * Why: Express (5.x, `application.js` `app.handle`) gives a plain Node request and response its
 * methods with `Object.setPrototypeOf` on every request, and so did our own request listener.
 * Measured on Node 20 (docs/performance.md#what-a-scavenge-keeps): with that per-request call, V8
 * kept much of what a request allocated through two scavenges and promoted it to the old
 * generation (longer scavenges, more full collections); with these constructors, almost nothing.
 * Express's own call then finds the prototype already set and changes nothing. (A known issue: nodejs/node#37457,
 * expressjs/express#5998.)
 */
import {
  IncomingMessage,
  ServerResponse,
  type IncomingMessage as Incoming,
  type ServerOptions,
} from 'node:http';
import type { Socket } from 'node:net';

export type ExpressServerOptions = ServerOptions<typeof IncomingMessage, typeof ServerResponse>;

/**
 * Server options whose request and response constructors build Node's objects with `requestProto`
 * and `responseProto` (an Express app's `app.request` and `app.response`, which inherit Node's
 * own prototypes) as their direct prototypes.
 */
export function expressServerOptions(
  requestProto: IncomingMessage,
  responseProto: ServerResponse,
): ExpressServerOptions {
  // Function constructors, not classes: a class's `prototype` cannot be replaced, and an extra
  // prototype between the object and `app.request` would make Express set it again.
  function ExpressIncomingMessage(this: Incoming, socket: Socket): void {
    Reflect.apply(IncomingMessage, this, [socket]);
  }
  ExpressIncomingMessage.prototype = requestProto;
  function ExpressServerResponse(
    this: ServerResponse,
    request: Incoming,
    options?: { highWaterMark?: number; rejectNonStandardBodyWrites?: boolean },
  ): void {
    Reflect.apply(ServerResponse, this, [request, options]);
  }
  ExpressServerResponse.prototype = responseProto;
  return {
    IncomingMessage: ExpressIncomingMessage as unknown as typeof IncomingMessage,
    ServerResponse: ExpressServerResponse as unknown as typeof ServerResponse,
  };
}

/**
 * `object` with `proto` as its prototype: as it was born under `expressServerOptions`, else
 * changed here (a server made without them: tests that pass only the request listener).
 */
export function asExpressObject<T extends object>(object: object, proto: T): T {
  if (Object.getPrototypeOf(object) === proto) return object as T;
  // eslint-disable-next-line no-restricted-syntax -- only for a server made without the options.
  return Object.setPrototypeOf(object, proto) as T;
}
