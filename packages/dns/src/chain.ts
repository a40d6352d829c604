import type { Handler, Next } from './handlers/types.ts';
import type { Query } from './wire/query.ts';
import type { Reply } from './wire/response.ts';

/**
 * The request path, in the one order it has (CoreDNS plugin.cfg):
 *
 *   acl -> scope -> authoritative -> loop -> chase -> cache -> forward -> (refused)
 *
 * - acl: clients outside the allowed ranges are refused, before anything else.
 * - scope: what Horizon does not serve at all (classes but IN, zone transfers) is refused before
 *   any name is looked at, so it can neither reach the index nor leave for an upstream.
 * - authoritative: our zones from the index; index changes show at once, never cached here.
 * - loop: our own zone-miss queries that an upstream sent back (before the cache, where the looped
 *   query would only wait on our own in-flight miss).
 * - chase: a forwarded CNAME into our zones goes on from the index, per client (after the cache,
 *   which holds only the public part, so every client gets its own view).
 * - cache: forwarded answers only; forward: the rest, upstream.
 *
 * A new handler is one file, a field here, its place in `order`, and its options in service.ts.
 */
export interface ChainParts {
  acl: Handler;
  scope: Handler;
  authoritative: Handler;
  loop: Handler;
  chase: Handler;
  cache: Handler;
  forward: Handler;
  /** What the end of the chain answers (REFUSED: nothing took the name). */
  last: Next;
}

export function createChain(parts: ChainParts): (q: Query) => Reply | Promise<Reply> {
  const order: Handler[] = [
    parts.acl,
    parts.scope,
    parts.authoritative,
    parts.loop,
    parts.chase,
    parts.cache,
    parts.forward,
  ];
  return order.reduceRight<Next>((next, handler) => (q) => handler(q, next), parts.last);
}
