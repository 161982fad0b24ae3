/**
 * The Node flags the server ships and is measured with: a young generation twice Node 20's
 * default (`--max-semi-space-size=32`, MB per semi-space). A request's objects die young
 * (docs/performance.md#what-a-scavenge-keeps), so a larger nursery halves the scavenges at about
 * the same pause each (docs/performance.md#young-generation-size). V8 sizes its heap when the
 * process starts, so this cannot be set from inside: `npm start`, the Docker image and the
 * bench's proxy start Node with these flags (a unit test keeps package.json and
 * docker/Dockerfile in step), and `serve` says at start-up when they are missing.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** `--max_semi_space_size=8` → `max-semi-space-size` (V8 reads `_` and `-` alike). */
function flagName(flag: string): string {
  const cut = flag.indexOf('=');
  return (cut < 0 ? flag : flag.slice(0, cut)).replace(/^-+/, '').replace(/_/g, '-');
}

/**
 * The flags of SERVER_NODE_FLAGS that this process was started without, by name: one set to
 * another value (on the command line or in NODE_OPTIONS) is the operator's choice, not missing.
 */
export function missingServerNodeFlags(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] {
  const given = new Set(
    [...execArgv, ...(nodeOptions ?? '').split(/\s+/)]
      .filter((flag) => flag.startsWith('-'))
      .map(flagName),
  );
  return SERVER_NODE_FLAGS.filter((flag) => !given.has(flagName(flag)));
}
