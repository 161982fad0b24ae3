/** Listen on the configured address (the edge's timeouts: edge-options.ts `applyServerTimeouts`). */
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { ConfigError } from '../errors';

/** Start listening; a port that cannot be taken rejects with a ConfigError naming server.port. */
export async function listen(
  handler: RequestListener,
  host: string,
  port: number,
  /** Server options (the app's request and response constructors, create-app.ts). */
  options: ServerOptions = {},
): Promise<Server> {
  const server = await new Promise<Server>((resolve, reject) => {
    // A request without `Host` reaches the handler, which answers it in OpenAI's shape (node's
    // own check answers a bare 400 with no body).
    const s = createServer({ ...options, requireHostHeader: false }, handler).listen(
      port,
      host,
      () => resolve(s),
    );
    s.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
  });
  return server;
}

/** A port that cannot be taken is a setting to change, not a bug. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new ConfigError(
      'server.port',
      `${host}:${port} is already in use (set PORT or server.port)`,
    );
  if (error.code === 'ENOTFOUND' || error.code === 'EADDRNOTAVAIL' || error.code === 'EAI_AGAIN')
    return new ConfigError(
      'server.host',
      `cannot listen on ${host}: ${error.code === 'EADDRNOTAVAIL' ? 'no interface of this machine has that address' : 'the name does not resolve'} (set server.host, or TTS_PROXY__SERVER__HOST)`,
    );
  if (error.code === 'EACCES')
    return new ConfigError(
      'server.port',
      `no permission to listen on ${host}:${port} (ports below 1024 need privileges)`,
    );
  return error;
}
