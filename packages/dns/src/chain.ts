import type { Handler, Next, Reply } from './handlers/types.ts';
import type { Query } from './wire/query.ts';

/**
 * The request path, in the one order it has (CoreDNS plugin.cfg):
 *
 *   acl -> scope -> authoritative -> loop -> cache -> forward -> (refused)
 *
 * acl refuses clients outside the allowed ranges; scope refuses what Horizon does not serve at all
 * (classes other than IN, zone transfers), so such questions can neither reach the index nor leave
 * for an upstream; authoritative answers our zones from the index,
 * so index changes show at once and are never cached here; loop stops our own zone-miss queries
 * that an upstream sent back (before the cache, which would make them wait on themselves); the
 * cache only holds forwarded answers; forward sends the rest upstream. A new feature is one handler file and one line here.
 */
export interface ChainParts {
  acl: Handler;
  scope: Handler;
  authoritative: Handler;
  loop: Handler;
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
    parts.cache,
    parts.forward,
  ];
  return order.reduceRight<Next>((next, handler) => (q) => handler(q, next), parts.last);
}
