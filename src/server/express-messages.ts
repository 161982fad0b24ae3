/**
 * `http.createServer` options under which every request and response is BORN an Express one, so
 * nothing changes an object's prototype while it is served.
 *
 * Why: Express (5.x, `application.js` `app.handle`) gives a plain Node request and response its
 * methods with `Object.setPrototypeOf` on every request, and so did our own request listener.
 * Measured on Node 20 (docs/performance.md#what-a-scavenge-keeps): with that per-request call, V8
 * kept much of what a request allocated through two scavenges and promoted it to the old
 * generation (longer scavenges, more full collections); with these constructors, almost nothing.
 * (A known issue: nodejs/node#37457, expressjs/express#5998.)
 */
import { IncomingMessage, ServerResponse, type ServerOptions } from 'node:http';
import type { Express } from 'express';

export type ExpressServerOptions = ServerOptions<typeof IncomingMessage, typeof ServerResponse>;

/**
 * Subclasses of Node's request and response whose prototypes inherit the app's own
 * (`app.request`, `app.response`: Express's methods and `app`), which then become the app's:
 * Express's per-request `setPrototypeOf(req, app.request)` finds the prototype already set and
 * changes nothing. Subclasses (not plain constructors that call Node's): V8 sizes a derived
 * class's objects from its base constructors, so Node's many fields stay in the object.
 * Call before the app serves; a second call for the same app returns the same pair (another
 * layer would leave the first server's objects off `app.request`, and Express would change
 * their prototype on every request again).
 */
export function expressServerOptions(app: Express): ExpressServerOptions {
  const made = madeFor(app);
  if (made !== null) return made;
  // One pair per app, made once: not a class per request.
  /* eslint-disable no-restricted-syntax -- see above: classes per app, prototypes set once. */
  class ExpressIncomingMessage extends IncomingMessage {}
  class ExpressServerResponse extends ServerResponse {}
  const appRequest = app.request;
  const appResponse = app.response;
  Object.setPrototypeOf(ExpressIncomingMessage.prototype, appRequest);
  Object.setPrototypeOf(ExpressServerResponse.prototype, appResponse);
  // Mounted in another app later (`parent.use(app)`), Express's own 'mount' listener (which runs
  // first) points `app.request`'s prototype at the parent's: now the subclass prototype's, which
  // would cut the app's own out (`req.app` the parent's, its settings unread). Put them back
  // between, as they sit in plain Express. Once per mount, never per request.
  app.on('mount', () => {
    insertBetween(ExpressIncomingMessage.prototype, appRequest);
    insertBetween(ExpressServerResponse.prototype, appResponse);
  });
  /* eslint-enable no-restricted-syntax */
  app.request = ExpressIncomingMessage.prototype as Express['request'];
  app.response = ExpressServerResponse.prototype as Express['response'];
  return {
    IncomingMessage: ExpressIncomingMessage,
    ServerResponse: ExpressServerResponse as typeof ServerResponse,
  };
}

/**
 * The pair an earlier call made for `app`: then `app.request` and `app.response` are a subclass's
 * own prototype (the app's own objects have no `constructor` of their own).
 */
function madeFor(app: Express): ExpressServerOptions | null {
  const request: object = app.request;
  const response: object = app.response;
  const requestClass: unknown = Object.hasOwn(request, 'constructor') ? request.constructor : null;
  const responseClass: unknown = Object.hasOwn(response, 'constructor')
    ? response.constructor
    : null;
  if (
    typeof requestClass !== 'function' ||
    typeof responseClass !== 'function' ||
    requestClass.prototype !== request ||
    responseClass.prototype !== response ||
    !(requestClass.prototype instanceof IncomingMessage) ||
    !(responseClass.prototype instanceof ServerResponse)
  )
    return null;
  return {
    IncomingMessage: requestClass as typeof IncomingMessage,
    ServerResponse: responseClass as typeof ServerResponse,
  };
}

/** Make `middle` the prototype of `proto`, and what `proto` inherited from `middle`'s. */
function insertBetween(proto: object, middle: object): void {
  /* eslint-disable no-restricted-syntax -- prototypes, once per mount (see expressServerOptions). */
  Object.setPrototypeOf(middle, Object.getPrototypeOf(proto) as object | null);
  Object.setPrototypeOf(proto, middle);
  /* eslint-enable no-restricted-syntax */
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
