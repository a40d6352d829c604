import { type Clock, limitViews, type OpsRoute, type Registry } from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import type { Provider } from '../oidc/provider.ts';
import type { PolicyTable } from '../policy/table.ts';
import type { SessionRecords } from '../session/redis-records.ts';
import { createDenialLog } from './denials.ts';
import { authHistory, gatherAuthStatus } from './gather.ts';
import { renderAuthStatus } from './page.ts';

/**
 * The status page at `/` of the ops port, with what it keeps: the last refusals (told by the
 * check after each answer) and an hour of the check counters, sampled until `close`.
 */
export function createStatusPage(o: {
  config: AuthConfig;
  policies: PolicyTable;
  provider: Pick<Provider, 'discovered' | 'health'>;
  registry: Registry;
  clock: Clock;
  /** The Redis store's session records, which can count its sessions. */
  sessions?: Pick<SessionRecords, 'count'> | undefined;
}) {
  const denials = createDenialLog(o.clock);
  const history = authHistory(o.registry, o.clock);
  const stop = new AbortController();
  void history.run(stop.signal);
  const sources = {
    ...o,
    denials: denials.list,
    sessions: o.sessions && sessionCounter(o.sessions, o.clock),
  };
  const route: OpsRoute = limitViews(async () => ({
    html: renderAuthStatus(await gatherAuthStatus(sources, history), o.clock.now()),
  }));
  return { onDecision: denials.observe, route, close: () => stop.abort() };
}

/** Sessions counted at most up to this many, and at most every 30 s however often the page is viewed. */
const COUNT_LIMIT = 10_000;
const COUNT_EVERY_MS = 30_000;

/**
 * The count, shared: views that ask while one count runs wait for it rather than start their own
 * (a SCAN walk of up to 50 calls each, or a wait of the store's timeout each when it is stopped).
 */
export function sessionCounter(records: Pick<SessionRecords, 'count'>, clock: Clock) {
  let last: { at: number; text: string | undefined } | undefined;
  let running: Promise<string | undefined> | undefined;
  const count = async (): Promise<string | undefined> => {
    const text = await records.count(COUNT_LIMIT).then(
      ({ count, more }) => `${count}${more ? '+' : ''}`,
      () => undefined, // the store is down: its card says so
    );
    last = { at: clock.now(), text };
    running = undefined;
    return text;
  };
  return (): Promise<string | undefined> => {
    if (last && clock.now() - last.at < COUNT_EVERY_MS) return Promise.resolve(last.text);
    running ??= count();
    return running;
  };
}
