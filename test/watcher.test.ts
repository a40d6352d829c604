import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger, createMetricsRegistry, type GatewayApiSource, type Registry } from '@horizon/shared';
import { createKubeSource } from '@horizon/shared/kube';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeApiServer,
  gateway,
  httpRoute,
  type ManualClock,
  manualClock,
  startFakeApiServer,
  waitFor,
  writeKubeconfig,
} from './harness/index.ts';

const logger = createLogger({ level: 'silent', format: 'json' }, { service: 'test' });
let api: FakeApiServer;
let kubeconfig: string;
let source: GatewayApiSource | undefined;
let registry: Registry;

beforeEach(async () => {
  api = await startFakeApiServer();
  kubeconfig = writeKubeconfig(api);
  registry = createMetricsRegistry('test');
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  await api.close();
});

/** A source with test tuning: short watch timeouts and backoff, so faults heal in seconds. */
function startSource(
  overrides: {
    namespace?: string;
    labelSelector?: string;
    watchTimeoutSeconds?: number;
    backoffMaxMs?: number;
    clock?: ManualClock;
  } = {},
) {
  source = createKubeSource({
    config: {
      namespace: overrides.namespace ?? '',
      labelSelector: overrides.labelSelector ?? '',
      kubeconfig,
      context: '',
      watchTimeoutSeconds: overrides.watchTimeoutSeconds ?? 300,
      debounceMs: 20,
    },
    logger,
    metrics: { registry, prefix: 'horizon_test' },
    tuning: {
      stallGraceMs: 300,
      backoffInitialMs: 50,
      backoffMaxMs: overrides.backoffMaxMs ?? 400,
      pageSize: 500,
      ...(overrides.clock ? { clock: overrides.clock } : {}),
    },
  });
  return source;
}

const routeNames = (s: GatewayApiSource) =>
  s
    .snapshot()
    .httpRoutes.map((r) => r.metadata.name)
    .sort();
const lists = () => api.requests.filter((r) => !r.watch).length;
const metric = async (name: string, labels: Record<string, string> = {}) => {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const values = (m?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((a, v) => a + v.value, 0);
};

describe('Gateway API watcher against the fake API server', () => {
  it('syncs the initial objects, asking for bookmarks and a timeout with the bearer token', async () => {
    api.apply('gateways', gateway('network', 'internal', '127.0.3.202'));
    api.apply('httproutes', httpRoute('home', 'pdf', ['pdf.home.example.com']));
    api.apply('httproutes', httpRoute('security', 'id', ['id.home.example.com']));
    const s = startSource();
    expect(s.synced()).toBe(false);
    expect(s.stalenessSeconds()).toBe(Number.POSITIVE_INFINITY);
    await s.start();
    expect(s.synced()).toBe(true);
    expect(routeNames(s)).toEqual(['id', 'pdf']);
    expect(s.snapshot().gateways.map((g) => g.metadata.name)).toEqual(['internal']);
    await waitFor('live watches', () => s.stalenessSeconds() === 0);
    expect(api.openWatches()).toBe(2);
    const watch = api.requests.find((r) => r.watch && r.path.endsWith('/httproutes'));
    expect(watch?.query.allowWatchBookmarks).toBe('true');
    expect(Number(watch?.query.timeoutSeconds)).toBeGreaterThanOrEqual(300);
    expect(Number(watch?.query.timeoutSeconds)).toBeLessThanOrEqual(600);
    expect(watch?.query.resourceVersion).toBe(String(api.state.rv));
    expect(api.requests.every((r) => r.authorization === `Bearer ${api.token}`)).toBe(true);
    expect(await metric('horizon_test_source_synced')).toBe(1);
  });

  it('shows an add, a modify and a delete within 1 s, and debounces a burst into few notifications', async () => {
    const s = startSource();
    await s.start();
    let notifications = 0;
    s.onChange(() => {
      notifications += 1;
    });
    api.apply('httproutes', httpRoute('home', 'pdf', ['pdf.home.example.com']));
    await waitFor('the new route', () => routeNames(s).includes('pdf'), { timeoutMs: 1000 });
    api.apply('httproutes', httpRoute('home', 'pdf', ['docs.home.example.com']));
    await waitFor(
      'the changed hostname',
      () => s.snapshot().httpRoutes[0]?.spec.hostnames?.[0] === 'docs.home.example.com',
      { timeoutMs: 1000 },
    );
    api.remove('httproutes', 'home', 'pdf');
    await waitFor('the deletion', () => routeNames(s).length === 0, { timeoutMs: 1000 });

    const before = notifications;
    for (let i = 0; i < 200; i += 1)
      api.apply('httproutes', httpRoute('home', `app${i}`, [`app${i}.home.example.com`]));
    await waitFor('200 routes', () => s.snapshot().httpRoutes.length === 200, { timeoutMs: 1000 });
    await waitFor('the burst notification', () => notifications > before);
    expect(notifications - before).toBeLessThanOrEqual(5);
  });

  it('relists after 410 Gone and reconciles a deletion it missed while disconnected', async () => {
    api.apply('httproutes', httpRoute('home', 'old', ['old.home.example.com']));
    api.apply('httproutes', httpRoute('home', 'kept', ['kept.home.example.com']));
    const s = startSource();
    await s.start();
    expect(routeNames(s)).toEqual(['kept', 'old']);
    const listsBefore = lists();
    await api.down();
    api.remove('httproutes', 'home', 'old');
    api.apply('httproutes', httpRoute('home', 'new', ['new.home.example.com']));
    api.compact(); // the deletion event is gone from history: only a relist can reveal it
    expect(routeNames(s)).toEqual(['kept', 'old']); // last known objects still served
    await api.up();
    await waitFor('the relist', () => routeNames(s).join() === 'kept,new', { timeoutMs: 5000 });
    expect(lists()).toBeGreaterThan(listsBefore);
    expect(await metric('horizon_test_source_restarts_total', { reason: 'gone' })).toBeGreaterThanOrEqual(1);
  });

  it('relists when the watch itself is answered with HTTP 410', async () => {
    const s = startSource();
    await s.start();
    await api.down();
    api.apply('httproutes', httpRoute('home', 'a', ['a.home.example.com']));
    api.compact();
    api.setGoneAsHttp(true);
    await api.up();
    await waitFor('the route after relist', () => routeNames(s).includes('a'), { timeoutMs: 5000 });
    expect(
      await metric('horizon_test_source_lists_total', { kind: 'httproutes', result: 'ok' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('recovers from a TCP reset of its watches', async () => {
    const s = startSource();
    await s.start();
    await waitFor('two watches', () => api.openWatches() === 2);
    api.resetWatches();
    api.apply('httproutes', httpRoute('home', 'after-reset', ['r.home.example.com']));
    await waitFor('the route after the reset', () => routeNames(s).includes('after-reset'), {
      timeoutMs: 5000,
    });
    await waitFor('two watches again', () => api.openWatches() === 2);
  });

  it('drops a half-open watch that outlives its timeout and catches up', async () => {
    const s = startSource({ watchTimeoutSeconds: 1 });
    await s.start();
    await waitFor('two watches', () => api.openWatches() === 2);
    api.setHalfOpen(true);
    api.apply('httproutes', httpRoute('home', 'during', ['d.home.example.com']));
    await new Promise((r) => setTimeout(r, 200));
    expect(routeNames(s)).toEqual([]); // the silent connection delivered nothing
    api.setHalfOpen(false); // new connections work again; the old one stays silent
    await waitFor('the route after the stall', () => routeNames(s).includes('during'), { timeoutMs: 8000 });
    expect(await metric('horizon_test_source_restarts_total', { reason: 'stalled' })).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('resumes from a bookmark without relisting after history is compacted', async () => {
    const s = startSource();
    await s.start();
    await waitFor('two watches', () => api.openWatches() === 2);
    for (let i = 0; i < 5; i += 1) api.apply('gateways', gateway('network', `gw${i}`, `127.0.3.${i}`));
    await waitFor('five gateways', () => s.snapshot().gateways.length === 5);
    api.bookmark(); // the routes watch learns the current resourceVersion although no route changed
    await new Promise((r) => setTimeout(r, 50));
    api.compact();
    const listsBefore = lists();
    api.closeWatches();
    await waitFor('two watches again', () => api.openWatches() === 2);
    api.apply('httproutes', httpRoute('home', 'x', ['x.home.example.com']));
    await waitFor('the route', () => routeNames(s).includes('x'));
    expect(lists()).toBe(listsBefore); // both kinds resumed from their resourceVersion: no 410
  });

  it('starts while the API answers 500 or 403, resolves start() unsynced, and syncs once it heals', async () => {
    api.failWith(403);
    const s = startSource();
    await s.start();
    expect(s.synced()).toBe(false);
    api.failWith(500);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.synced()).toBe(false);
    api.clearFaults();
    await waitFor('the sync', () => s.synced(), { timeoutMs: 5000 });
    expect(await metric('horizon_test_source_lists_total', { result: 'error' })).toBeGreaterThanOrEqual(2);
  });

  it('starts while the API refuses connections and syncs once it is up', async () => {
    await api.down();
    const s = startSource();
    await s.start();
    expect(s.synced()).toBe(false);
    api.apply('httproutes', httpRoute('home', 'later', ['l.home.example.com']));
    await api.up();
    await waitFor('the sync', () => s.synced() && routeNames(s).includes('later'), { timeoutMs: 5000 });
  });

  it('is single-flight: start() twice opens one watch per kind', async () => {
    const s = startSource();
    await Promise.all([s.start(), s.start()]);
    await s.start();
    await waitFor('two watches', () => api.openWatches() === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(api.openWatches()).toBe(2);
    expect(api.requests.filter((r) => r.watch).length).toBe(2);
  });

  it('watches one namespace and a label selector when configured', async () => {
    api.apply(
      'httproutes',
      httpRoute('home', 'in', ['in.home.example.com'], 'network/internal', { dns: 'yes' }),
    );
    api.apply('httproutes', httpRoute('home', 'unlabelled', ['u.home.example.com']));
    api.apply(
      'httproutes',
      httpRoute('other', 'elsewhere', ['e.home.example.com'], 'network/internal', { dns: 'yes' }),
    );
    const s = startSource({ namespace: 'home', labelSelector: 'dns=yes' });
    await s.start();
    expect(routeNames(s)).toEqual(['in']);
    expect(api.requests.every((r) => r.path.includes('/namespaces/home/'))).toBe(true);
    // A label change moves a route into the selector's view.
    api.apply(
      'httproutes',
      httpRoute('home', 'unlabelled', ['u.home.example.com'], 'network/internal', { dns: 'yes' }),
    );
    await waitFor('the relabelled route', () => routeNames(s).includes('unlabelled'));
  });

  it('keeps calling the other listeners, and the process alive, when a listener throws', async () => {
    const s = startSource();
    await s.start();
    const seen: number[] = [];
    s.onChange(() => {
      throw new Error('listener bug');
    });
    s.onChange((snap) => seen.push(snap.generation));
    api.apply('httproutes', httpRoute('home', 'a', ['a.home.example.com']));
    await waitFor('the second listener', () => seen.length > 0);
    expect(await metric('horizon_test_source_listener_errors_total')).toBeGreaterThanOrEqual(1);
    api.apply('httproutes', httpRoute('home', 'b', ['b.home.example.com']));
    await waitFor('the next change', () => routeNames(s).includes('b') && seen.length > 1);
  });

  it('serves the last objects through 30 s of API outage with rising staleness, then recovers', async () => {
    // A manual clock: the retry loops' backoff waits and the staleness both read it, so the 30 s
    // pass as fast as the loops can retry against the refused connections.
    const clock = manualClock();
    api.apply('httproutes', httpRoute('home', 'pdf', ['pdf.home.example.com']));
    const s = startSource({ backoffMaxMs: 2000, clock });
    await s.start();
    await waitFor('two watches', () => api.openWatches() === 2);
    await api.down();
    const staleness: number[] = [];
    for (let second = 0; second < 30; second += 1) {
      // Both kinds' loops have failed again and wait in a backoff: only then does time move.
      await waitFor('both loops backing off', () => clock.waiting() === 2);
      clock.advance(1000);
      expect(routeNames(s)).toEqual(['pdf']);
      expect(s.synced()).toBe(true);
      staleness.push(s.stalenessSeconds());
    }
    expect(staleness[0]).toBeGreaterThan(0);
    expect(staleness.at(-1)).toBeGreaterThan(28);
    expect(staleness.every((v, i) => i === 0 || v > (staleness[i - 1] ?? 0))).toBe(true);
    expect(await metric('horizon_test_source_staleness_seconds')).toBeGreaterThan(28);
    // It kept retrying throughout (backoff capped at 2 s: at least 10 attempts in 30 s).
    expect(
      await metric('horizon_test_source_restarts_total', { kind: 'httproutes', reason: 'error' }),
    ).toBeGreaterThanOrEqual(10);
    api.remove('httproutes', 'home', 'pdf');
    api.apply('httproutes', httpRoute('home', 'id', ['id.home.example.com']));
    await api.up();
    await waitFor('both loops backing off', () => clock.waiting() === 2);
    clock.advance(2000); // the longest backoff: both retry now, and reach the API
    await waitFor('recovery', () => routeNames(s).join() === 'id');
    await waitFor('fresh again', () => s.stalenessSeconds() === 0);
  });

  it('leaves no timers or sockets after stop(): a process that only syncs and stops exits by itself', async () => {
    api.apply('httproutes', httpRoute('home', 'pdf', ['pdf.home.example.com']));
    const script = join(import.meta.dirname, 'fixtures', 'watch-then-stop.ts');
    const started = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, [script, kubeconfig], { timeout: 20_000 });
    expect(stdout.trim()).toBe('stopped 1');
    // A leftover keep-alive socket or timer would hold it for seconds (or forever).
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
