import type { Logger } from '@horizon/shared';
import type { LogLimiter } from '../log-limit.ts';
import { refusalPage } from '../reply/refusals.ts';
import type { Reply } from '../reply/reply.ts';
import { type CheckRequest, type RawCheck, type ReadOptions, readCheck } from '../request/read.ts';

/** A check refused before any policy: its page, and whether nginx's auth_request asked. */
export interface Unreadable {
  reply: Reply;
  authRequest: boolean;
}

export interface ReadableDeps {
  reading: ReadOptions;
  logs: LogLimiter;
  log: Logger;
}

/**
 * The first step: can the check be read as one plain request (request/read.ts)? An untrusted
 * proxy, a Host that is not `host[:port]`, a method that is not a token, an identity header from
 * the client, a path two readers could take differently: a page saying so, and a log line limited
 * per cause (a client can send any number of them).
 */
export function createReadableStep(deps: ReadableDeps): (raw: RawCheck) => CheckRequest | Unreadable {
  return (raw) => {
    const req = readCheck(raw, deps.reading);
    if (!('refused' in req)) return req;
    const fields = { peer: raw.peer, detail: req.detail };
    deps.logs.warn(deps.log, req.refused, fields, `check refused: ${req.refused}`);
    return { reply: refusalPage(req.refused), authRequest: req.authRequest };
  };
}
