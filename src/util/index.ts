/** @module util — leaf helpers with no dependencies on the rest of the project. */
export { createSeededRandom, hashString } from './seeded-random';
export { abortReason, isAbortError, throwIfAborted, type AbortSource } from './abort';
export { closestName } from './closest-name';
export { formatLogLine, type FormatLogLineOptions } from './format-log-line';
export {
  PushedBody,
  bodyOfChunks,
  followSettle,
  readWholeBody,
  type BodyControl,
  type BodyReader,
  type StreamBody,
} from './pushed-body';
export { redactUrl } from './redact-url';
export { isCompleteObject, replaceRange, scanJson, type JsonScan } from './scan-json';
export { addUpstreamCallsTo, takeUpstreamCallsFrom } from './upstream-calls-on-error';
export { yieldToEventLoop } from './yield-to-event-loop';
