import type { Query } from '../wire/query.ts';

/** A reply: a whole message without OPT (the server adds its own), or null to send nothing. */
export type Reply = Buffer | null;

/** The rest of the chain. */
export type Next = (q: Query) => Reply | Promise<Reply>;

/**
 * One step of the request path (CoreDNS's plugin.Handler): answer, or `return next(q)` for "not
 * mine". Synchronous answers stay synchronous: the authoritative hot path never awaits.
 */
export type Handler = (q: Query, next: Next) => Reply | Promise<Reply>;
