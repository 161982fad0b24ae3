/**
 * Which /v1 routes the passthrough forwards, and the one spelling of a path it accepts.
 *
 * The default list is the OpenAI-style /v1 routes vLLM's server exposes (vLLM ≈0.10:
 * `docs/serving/openai_compatible_server.md` @ 04454610 "Supported APIs", and the route modules
 * `vllm/entrypoints/openai/completion/api_router.py` @ 00cd8fcf, `vllm/entrypoints/pooling/{embed,score}/api_router.py`).
 * `/v1/chat/completions` and `GET /v1/models` are ours and never reach this list. Anything else
 * (admin routes, LoRA loading, other prefixes) is refused, so the proxy's upstream key opens
 * nothing the operator did not list (`server.passthrough_routes`).
 */
import { InvalidRequestError } from '../../errors';

export const DEFAULT_PASSTHROUGH_ROUTES: readonly string[] = [
  'POST /v1/completions',
  'POST /v1/embeddings',
  'POST /v1/score',
  'POST /v1/rerank',
  'POST /v1/audio/transcriptions',
  'POST /v1/audio/translations',
  'POST /v1/responses',
];

export interface NormalisedTarget {
  /** The path as forwarded (decoded only where decoding cannot change its meaning). */
  path: string;
  /** The query string, with its `?`, or ''. */
  query: string;
}

function badPath(reason: string): InvalidRequestError {
  return new InvalidRequestError(`Invalid request path: ${reason}.`, null, 'invalid_path');
}

/**
 * Split and check a request target. A path that a server or proxy could read as a different
 * route is refused (400), never rewritten: dot segments (also percent-encoded), encoded slashes
 * or backslashes, empty segments, control characters.
 */
/** Segments of plain word characters and dashes, no trailing slash: nothing to decode or refuse. */
const PLAIN_PATH = /^(?:\/[\w-]+)+$/;

export function normaliseTarget(url: string): NormalisedTarget {
  const cut = url.indexOf('?');
  const rawPath = cut < 0 ? url : url.slice(0, cut);
  const query = cut < 0 ? '' : url.slice(cut);
  // Every route in the allow-list is spelled this way: one test instead of the checks below.
  if (PLAIN_PATH.test(rawPath)) return { path: rawPath, query };
  if (!rawPath.startsWith('/')) throw badPath('it must start with "/"');
  if (/%2f|%5c|\\/i.test(rawPath)) throw badPath('encoded slashes and backslashes are not allowed');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw badPath('broken percent-encoding');
  }
  if (/[\u0000-\u001f\u007f]/.test(decoded)) throw badPath('control characters are not allowed');
  const segments = decoded.split('/').slice(1);
  if (segments.some((segment) => segment === '.' || segment === '..'))
    throw badPath('dot segments ("." and "..") are not allowed');
  if (segments.slice(0, -1).some((segment) => segment === ''))
    throw badPath('empty path segments are not allowed');
  // A trailing slash is the same route to the upstream's router; forward one spelling.
  const path = decoded.length > 1 && decoded.endsWith('/') ? decoded.slice(0, -1) : decoded;
  return { path, query };
}

export interface RouteAllowList {
  /** 'allowed', 'method' (path known, method not), or 'unknown'. */
  check(method: string, path: string): 'allowed' | 'method' | 'unknown';
}

export function createRouteAllowList(routes: readonly string[]): RouteAllowList {
  const allowed = new Set<string>();
  const paths = new Set<string>();
  for (const route of routes) {
    const [method = '', path = ''] = route.trim().split(/\s+/);
    allowed.add(`${method.toUpperCase()} ${path}`);
    paths.add(path);
  }
  return {
    check(method, path) {
      if (allowed.has(`${method} ${path}`)) return 'allowed';
      return paths.has(path) ? 'method' : 'unknown';
    },
  };
}
