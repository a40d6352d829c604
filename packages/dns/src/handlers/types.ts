import type { Clock, Logger, Registry } from '@horizon/shared';
import type { ZoneAnswers } from '../index/answer.ts';
import type { DnsSettings } from '../settings.ts';
import type { Upstreams } from '../upstream/upstreams.ts';
import type { Query } from '../wire/query.ts';
import type { Reply } from '../wire/response.ts';
import type { LoopGuard } from './loop.ts';

/** The rest of the chain. */
export type Next = (q: Query) => Reply | Promise<Reply>;

/**
 * One step of the request path (CoreDNS's plugin.Handler): answer, or `return next(q)` for "not
 * mine". Synchronous answers stay synchronous: the authoritative hot path never awaits. A handler
 * that learns something for the ones after it passes a new query (`next({ ...q, zoneMiss: true })`),
 * never a changed one.
 */
export type Handler = (q: Query, next: Next) => Reply | Promise<Reply>;

/** What a handler's setup may use: the service's parts, each made once (service.ts). */
export interface ChainDeps {
  settings: DnsSettings;
  /** Our zones, answered from the live index. */
  zones: ZoneAnswers;
  upstreams: Upstreams;
  /** Our zone-miss queries in flight (loop.ts): marked as they leave, looked for as queries arrive. */
  loops: LoopGuard;
  registry: Registry;
  logger: Logger;
  clock: Clock;
}

/**
 * A handler's setup (CoreDNS's setup.go): its options from the service's parts, its metrics on
 * the registry, checked once; the handler it returns does the per-query work.
 */
export type Setup = (deps: ChainDeps) => Handler;

/** A handler with nothing to do in this configuration: every query goes on. */
export const passThrough: Handler = (q, next) => next(q);
