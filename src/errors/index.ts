/**
 * @module errors — every error class we throw on purpose. Imports nothing of ours but `util`.
 */
export { TtsError } from './tts-error';
export { InvalidRequestError } from './invalid-request-error';
export { UnsupportedFeatureError } from './unsupported-feature-error';
export { AuthenticationError } from './authentication-error';
export { ModelNotFoundError } from './model-not-found-error';
export { OverloadedError } from './overloaded-error';
export { RateLimitError } from './rate-limit-error';
export { UpstreamError, describesContextLength } from './upstream-error';
export { UpstreamTimeoutError } from './upstream-timeout-error';
export { InvalidUpstreamResponseError } from './invalid-upstream-response-error';
export { ConfigError } from './config-error';
export { DeadlineError } from './deadline-error';
