import type { Logger } from '@horizon/shared';
import { setupAcl } from './handlers/acl.ts';
import { setupAuthoritative } from './handlers/authoritative.ts';
import { setupCache } from './handlers/cache.ts';
import { setupChase } from './handlers/chase.ts';
import { setupForward } from './handlers/forward.ts';
import { setupLoop } from './handlers/loop.ts';
import { setupScope } from './handlers/scope.ts';
import type { ChainDeps, Handler, Next, Setup } from './handlers/types.ts';
import { RCODE } from './wire/constants.ts';
import { errorMessage } from './wire/response.ts';

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
 * A new handler is one file (its factory, its setup, its metrics) and one line here.
 */
export const CHAIN: readonly (readonly [name: string, setup: Setup])[] = [
  ['acl', setupAcl],
  ['scope', setupScope],
  ['authoritative', setupAuthoritative],
  ['loop', setupLoop],
  ['chase', setupChase],
  ['cache', setupCache],
  ['forward', setupForward],
];

/** The chain of `links` (CHAIN), each handler set up once from `deps`, as one `handle(query)`. */
export function createChain(deps: ChainDeps, links = CHAIN): Next {
  return chainOf(
    links.map(([, setup]) => setup(deps)),
    refused(deps.logger.child({ component: 'chain' })),
  );
}

/** Folds handlers into one: each one's `next` is the rest of them, then `last`. */
export function chainOf(handlers: readonly Handler[], last: Next): Next {
  return handlers.reduceRight<Next>((next, handler) => (q) => handler(q, next), last);
}

/** The end of the chain: no handler took the name, so there is no upstream for it. */
function refused(log: Logger): Next {
  let hinted = false;
  return (q) => {
    if (!hinted) {
      hinted = true;
      log.warn(
        { name: q.name },
        'a name outside the zones was refused: no forward upstreams are configured (forward.upstreams)',
      );
    }
    return errorMessage(q, RCODE.REFUSED);
  };
}
