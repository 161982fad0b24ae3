/**
 * Resolve after the event loop's next turn (`setImmediate`): I/O that arrived meanwhile — another
 * client's request — is served before the caller goes on. For long synchronous stretches of one
 * heavy request (docs/performance.md#what-a-loaded-phase-costs-the-event-loop); a microtask
 * (`await` of a settled promise) would not let I/O in.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
