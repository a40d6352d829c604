import {
  createMetricsRegistry,
  type Gateway,
  type GatewayApiSnapshot,
  type GatewayApiSource,
  type HTTPRoute,
  snapshotOf,
} from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createLiveIndex } from '../../src/index/live.ts';
import { captureLogger, metricValue, testConfig } from '../basics.ts';

/** A source the test moves by hand: synced or not, and the snapshot it holds. */
function handSource() {
  let synced = false;
  let snapshot = snapshotOf(0);
  const listeners: ((s: GatewayApiSnapshot) => void)[] = [];
  const source: GatewayApiSource = {
    start: async () => undefined,
    stop: async () => undefined,
    synced: () => synced,
    stalenessSeconds: () => 0,
    snapshot: () => snapshot,
    onChange(listener) {
      listeners.push(listener);
      return () => undefined;
    },
  };
  return {
    source,
    /** The source now holds `hosts` as routes at `generation`, and says so. */
    change(generation: number, hosts: string[]) {
      synced = true;
      snapshot = snapshotOf(generation, { gateways: [gateway], httpRoutes: hosts.map(route) });
      for (const l of listeners) l(snapshot);
    },
  };
}
const gateway: Gateway = {
  metadata: { name: 'internal', namespace: 'network' },
  spec: {
    gatewayClassName: 'envoy',
    listeners: [
      { name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } },
    ],
    addresses: [{ value: '10.90.3.202' }],
  },
};
const route = (host: string): HTTPRoute => ({
  metadata: { name: host.split('.')[0] ?? host, namespace: 'home' },
  spec: { parentRefs: [{ name: 'internal', namespace: 'network' }], hostnames: [host] },
});

const RECORDS = new URL('http://127.0.0.1/records');

describe('the live index', () => {
  const settings = testConfig({ 'source.manifests': '/manifests', 'nameserver.addresses': ['10.90.3.200'] });

  it('has no index until the source syncs, then rebuilds on each new generation only', async () => {
    const hand = handSource();
    const registry = createMetricsRegistry('dns');
    const { lines, logger } = captureLogger();
    const live = createLiveIndex({ settings, source: hand.source, registry, logger });
    live.rebuild();
    expect(live.current()).toBeUndefined();
    expect(live.records(RECORDS)).toEqual({ status: 503, json: { synced: false } });

    hand.change(3, ['unifi.home.example.com']);
    const first = live.current();
    expect(first?.generation).toBe(3);
    live.rebuild(); // the same generation: kept as it is
    expect(live.current()).toBe(first);
    hand.change(4, ['unifi.home.example.com', 'pdf.home.example.com']);
    expect(live.current()?.generation).toBe(4);

    expect(await metricValue(registry, 'horizon_dns_index_names')).toBe(3); // two routes and the nameserver
    expect(await metricValue(registry, 'horizon_dns_index_generation')).toBe(4);
    const rebuilt = lines.filter((l) => l.msg === 'index rebuilt');
    for (const l of rebuilt) expect(String(l.build_seconds)).toMatch(/^\d+(\.\d{1,3})?$/); // to the millisecond
    expect(rebuilt.map((l) => [l.generation, l.names, l.outside_zones])).toEqual([
      [3, 2, 0],
      [4, 3, 0],
    ]);
  });

  it('lists every name served on /records, sorted, with its route, Gateway and addresses', async () => {
    const hand = handSource();
    const live = createLiveIndex({
      settings,
      source: hand.source,
      registry: createMetricsRegistry('dns'),
      logger: captureLogger().logger,
    });
    hand.change(5, ['pdf.home.example.com', 'id.other.example']);
    const json = (await live.records(RECORDS)).json as {
      names: unknown[];
      outsideZones: string[];
      generation: number;
    };
    expect(json.generation).toBe(5);
    expect(json.outsideZones).toEqual(['id.other.example']);
    expect(json.names).toEqual([
      {
        name: 'ns.home.example.com',
        source: 'nameserver',
        owner: 'nameserver.addresses',
        addresses: { default: ['10.90.3.200'] },
      },
      {
        name: 'pdf.home.example.com',
        source: 'route',
        owner: 'HTTPRoute home/pdf',
        gateway: 'network/internal',
        routes: ['HTTPRoute home/pdf'],
        addresses: { default: ['10.90.3.202'] },
      },
    ]);
  });

  it('warns at start when the NS record names a host of ours with no address', () => {
    const warnings = (overrides: Record<string, unknown>) => {
      const { lines, logger } = captureLogger();
      createLiveIndex({
        settings: testConfig(overrides),
        source: handSource().source,
        registry: createMetricsRegistry('dns'),
        logger,
      });
      return lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    };
    expect(warnings({})).toEqual([
      "nameserver.addresses is empty: the zone's NS record names ns.home.example.com, which has no address here; set nameserver.addresses to the address clients reach Horizon at (its Service IP)",
    ]);
    expect(warnings({ 'nameserver.addresses': ['10.90.3.200'] })).toEqual([]);
    expect(warnings({ 'nameserver.name': 'ns1.provider.example' })).toEqual([]); // not ours to address
  });
});
