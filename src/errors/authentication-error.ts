import { TtsError } from './tts-error';

/** Missing or wrong API key. The message never echoes the key. */
export class AuthenticationError extends TtsError {}
