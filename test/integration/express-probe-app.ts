/**
 * An Express app that reports what its handlers see of Express's request and response, and
 * answers with most of Express's response methods, its error handlers and its final handler: run
 * by two servers, with and without `expressServerOptions`, to compare (express-messages-compat).
 */
import http from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** What a handler sees of Express's request and response, all of it through `this.app`. */
function describeExchange(app: Express, request: Request, response: Response) {
  return {
    requestApp: request.app === app,
    responseApp: response.app === app,
    requestRes: request.res === response,
    responseReq: response.req === request,
    localsBare: Object.getPrototypeOf(response.locals) === null,
    isNodeMessage:
      request instanceof http.IncomingMessage && response instanceof http.ServerResponse,
    isExpressMessage:
      Object.prototype.isPrototypeOf.call(express.request, request) &&
      Object.prototype.isPrototypeOf.call(express.response, response),
    query: request.query,
    path: request.path,
    baseUrl: request.baseUrl,
    originalUrl: request.originalUrl,
    params: request.params,
    ip: request.ip,
    ips: request.ips,
    protocol: request.protocol,
    secure: request.secure,
    host: request.host,
    hostname: request.hostname,
    subdomains: request.subdomains,
    xhr: request.xhr,
    accepts: request.accepts(['json', 'html']),
    // Node's constructors' fields, in order: the same object layout either way.
    requestKeys: Reflect.ownKeys(request).map(String),
    responseKeys: Reflect.ownKeys(response).map(String),
  };
}

class TeapotError extends Error {
  readonly status = 418;
}

/** The app both servers run; `late` collects what a handler could not do after sending. */
export function probeApp(trustProxy: unknown, late: string[]): Express {
  const app = express();
  app.set('env', 'production'); // Express's final handler: no stack trace in its page
  app.set('trust proxy', trustProxy);
  app.set('json spaces', 0);
  app.set('jsonp callback name', 'cb');
  app.get('/probe', (request, response) => {
    response.json(describeExchange(app, request, response));
  });
  app.post('/echo', express.text({ type: '*/*' }), (request, response) => {
    response.status(201).json({ body: request.body as unknown, type: request.is('text/*') });
  });
  app.get('/send', (_request, response) => {
    response.send('hello');
  });
  app.get('/methods', (_request, response) => {
    response
      .cookie('k', 'v', { httpOnly: true, path: '/' })
      .clearCookie('gone')
      .location('/probe')
      .vary('accept')
      .append('x-list', ['a', 'b'])
      .links({ next: '/methods?page=2' })
      .attachment('report.txt')
      .type('txt')
      .send('methods');
  });
  app.get('/jsonp', (_request, response) => {
    response.jsonp({ answer: 42 });
  });
  app.get('/format', (_request, response) => {
    response.format({
      json: () => response.json({ format: 'json' }),
      text: () => response.send('format text'),
    });
  });
  app.get('/redirect', (_request, response) => {
    response.redirect(303, '/probe');
  });
  app.get('/status', (_request, response) => {
    response.sendStatus(202);
  });
  app.get('/after-sent', (_request, response) => {
    response.send('sent');
    try {
      response.setHeader('x-late', '1');
    } catch (error) {
      late.push((error as NodeJS.ErrnoException).code ?? 'no code');
    }
    try {
      response.status(500).json({});
    } catch (error) {
      late.push((error as NodeJS.ErrnoException).code ?? 'no code');
    }
  });
  app.get('/late', (_request, response) => {
    response.json({ late });
  });
  app.get('/throw', () => {
    throw new TeapotError('thrown');
  });
  app.get('/reject', async () => {
    await Promise.resolve();
    throw new TeapotError('rejected');
  });
  app.get('/unhandled', (_request, _response, next) => {
    next(Object.assign(new Error('for the final handler'), { status: 503 }));
  });
  // A second Express app mounted in this one (Express changes prototypes in and out of it).
  const sub = express();
  sub.set('json spaces', 2);
  sub.get('/probe', (request, response) => {
    response.json(describeExchange(sub, request, response));
  });
  app.use('/sub', sub);
  app.get('/after-sub', (request, response) => {
    response.json(describeExchange(app, request, response));
  });
  app.use((error: Error, _request: Request, response: Response, next: NextFunction) => {
    if (!(error instanceof TeapotError)) return next(error);
    response.status(error.status).json({ error: error.message });
  });
  return app;
}
