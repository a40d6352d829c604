import type { Query } from '../wire/query.ts';
import type { Reply } from '../wire/response.ts';

/** The rest of the chain. */
export type Next = (q: Query) => Reply | Promise<Reply>;

/**
 * One step of the request path (CoreDNS's plugin.Handler): answer, or `return next(q)` for "not
 * mine". Synchronous answers stay synchronous: the authoritative hot path never awaits.
 */
export type Handler = (q: Query, next: Next) => Reply | Promise<Reply>;
