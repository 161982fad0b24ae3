/**
 * The upstream's answer to a passthrough request once its status and headers are in. Its body
 * is pushed to one reader (`read`), chunk by chunk as undici receives it (src/util/pushed-body.ts):
 * no Readable stream and no events in between, which was most of what the Node `http` client
 * cost a short answer here beyond what the relay itself does.
 */
import type { Dispatcher } from 'undici';
import { PushedBody } from '../../util';

export type AnswerHeaders = Record<string, string | string[] | undefined>;

export class UpstreamAnswer extends PushedBody {
  constructor(
    readonly status: number,
    readonly headers: AnswerHeaders,
    controller: Dispatcher.DispatchController,
  ) {
    super(controller);
  }

  /** The first value of a header (lower-case name). */
  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
}
