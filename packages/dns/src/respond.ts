import type { Logger } from '@horizon/shared';
import { RCODE } from './wire/constants.ts';
import { parseQuery, type Query, type Transport } from './wire/query.ts';
import { errorMessage, finalize, type Reply, type RequestHead } from './wire/response.ts';
import { badKeyTsig } from './wire/tsig.ts';

/** What the server reports per request, for metrics. */
export type RequestObserver = (
  q: Query | null,
  transport: Transport,
  family: 4 | 6,
  response: Buffer | null,
  started: number,
) => void;

/**
 * Answers one request message. `done` is called exactly once: with the bytes to send, or with
 * null when nothing must be sent (a response, QR=1, or a runt). The TCP pipeline counts its slots
 * on this promise.
 */
export type Respond = (
  raw: Buffer,
  client: Query['client'],
  transport: Transport,
  family: 4 | 6,
  done: (out: Buffer | null) => void,
) => void;

export interface ResponderOptions {
  handle: (q: Query) => Reply | Promise<Reply>;
  logger: Logger;
  observe?: RequestObserver | undefined;
  /** Whether this client may recurse through us (RA in every answer to it). Default: no. */
  recursion?: ((address: string) => boolean) | undefined;
}

/**
 * The part of the server between bytes and handlers, the same for UDP and TCP: parses the packet
 * once into a Query, drops what must not be answered, answers FORMERR/NOTIMP/BADVERS itself, runs
 * the chain, turns anything unexpected into SERVFAIL, and sizes the answer for its transport.
 */
export function createResponder(o: ResponderOptions): Respond {
  const log = o.logger.child({ component: 'server' });

  const recursion = o.recursion ?? (() => false);
  /** Finishes one request: RA, size and OPT for the transport, hand over, count. The only exit. */
  const emit = (
    q: Query | null,
    head: RequestHead | null,
    reply: Reply,
    at: Arrival,
    extra: { extendedRcode?: number; trailer?: Buffer | undefined } = {},
  ): void => {
    const out =
      head === null || reply === null
        ? null
        : finalize(head, reply, at.transport, { ra: recursion(at.client.address), ...extra });
    at.done(out);
    o.observe?.(q, at.transport, at.family, out, at.started);
  };
  const servfail = (q: Query, err: unknown): Buffer => {
    log.error({ err, name: q.name, type: q.type }, 'request failed');
    return errorMessage(q, RCODE.SERVFAIL);
  };

  return (raw, client, transport, family, done) => {
    const at: Arrival = { client, transport, family, done, started: performance.now() };
    const q = parseQuery(raw, client, transport);
    if ('kind' in q) {
      if (q.kind === 'drop') {
        emit(null, null, null, at); // QR=1 or a runt: counted, not answered
        return;
      }
      const head = { ...q, raw };
      const trailer = q.tsig && badKeyTsig(raw, q.tsig);
      if (trailer === null) emit(null, head, errorMessage(head, RCODE.FORMERR), at);
      else emit(null, head, errorMessage(head, q.rcode), at, { trailer });
      return;
    }
    // RFC 6891 §6.1.3: BADVERS (16) is 1 in the OPT's extended rcode with 0 in the header.
    if (q.edns && q.edns.version > 0) {
      emit(q, q, errorMessage(q, 0), at, { extendedRcode: 1 });
      return;
    }
    let reply: Reply | Promise<Reply>;
    try {
      reply = o.handle(q);
    } catch (err) {
      reply = servfail(q, err);
    }
    // Synchronous answers (the authoritative path) allocate no callbacks.
    if (reply instanceof Promise) {
      reply.then(
        (r) => emit(q, q, r, at),
        (err: unknown) => emit(q, q, servfail(q, err), at),
      );
    } else {
      emit(q, q, reply, at);
    }
  };
}

/** Where a request came from and where its answer goes. */
interface Arrival {
  client: Query['client'];
  transport: Transport;
  family: 4 | 6;
  done: (out: Buffer | null) => void;
  started: number;
}
