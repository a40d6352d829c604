import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileSource, createLogger, type GatewayApiSource, type KindName } from '@horizon/shared';
import { createKubeSource } from '@horizon/shared/kube';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeApiServer,
  kubeSourceConfig,
  manualClock,
  removeScratch,
  scratchDir,
  startFakeApiServer,
  waitFor,
} from './harness/index.ts';

// The kinds beyond Gateways and HTTPRoutes (issue 15): core-group kinds at /api/v1, a cluster-
// scoped one, and optional CRDs a cluster may not have installed.
const lines: Record<string, unknown>[] = [];
const logger = createLogger(
  { level: 'info', format: 'json' },
  { service: 'test', destination: { write: (l: string) => void lines.push(JSON.parse(l)) } },
);
let api: FakeApiServer | undefined;
let source: GatewayApiSource | undefined;
afterEach(async () => {
  await source?.stop();
  await api?.close();
  source = undefined;
  api = undefined;
  lines.length = 0;
});

const service = (ns: string, name: string, ip: string) => ({
  metadata: {
    name,
    namespace: ns,
    annotations: { 'external-dns.alpha.kubernetes.io/hostname': `${name}.home.example.com` },
  },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: [{ ip }] } },
});
const namespace = (name: string, labels: Record<string, string>) => ({ metadata: { name, labels } });
const endpoint = (ns: string, name: string) => ({
  metadata: { name, namespace: ns },
  spec: { endpoints: [{ dnsName: `${name}.home.example.com`, recordType: 'A', targets: ['10.90.3.9'] }] },
});

function kubeSource(server: FakeApiServer, kinds: KindName[], namespaceScope = '', clock = manualClock()) {
  source = createKubeSource({
    config: kubeSourceConfig(server, { namespace: namespaceScope, debounceMs: 10 }),
    logger,
    kinds,
    tuning: { backoffInitialMs: 50, backoffMaxMs: 200, absentRecheckMs: 60_000, clock },
  });
  return source;
}

describe('the watcher over more kinds', () => {
  it('lists and watches Services and Namespaces (core group) and DNSEndpoints, each in its own field', async () => {
    api = await startFakeApiServer();
    api.apply('services', service('home', 'mqtt', '10.90.3.30'));
    api.apply('namespaces', namespace('home', { dns: 'yes' }));
    api.apply('dnsendpoints', endpoint('home', 'printer'));
    const s = kubeSource(api, ['services', 'namespaces', 'dnsendpoints']);
    await s.start();
    expect(s.synced()).toBe(true);
    const snap = s.snapshot();
    expect(snap.services.map((o) => o.metadata.name)).toEqual(['mqtt']);
    expect(snap.namespaces.map((o) => o.metadata.labels)).toEqual([{ dns: 'yes' }]);
    expect(snap.dnsEndpoints[0]?.spec.endpoints?.[0]?.dnsName).toBe('printer.home.example.com');
    expect(snap.gateways).toEqual([]); // not watched: empty
    expect(api.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/services',
        '/api/v1/namespaces',
        '/apis/externaldns.k8s.io/v1alpha1/dnsendpoints',
      ]),
    );
    // A label change on a Namespace arrives through its watch.
    await waitFor('three watches', () => api?.openWatches() === 3);
    api.apply('namespaces', namespace('home', { dns: 'no' }));
    await waitFor(
      'the relabelled namespace',
      () => s.snapshot().namespaces[0]?.metadata.labels?.dns === 'no',
    );
    api.remove('services', 'home', 'mqtt');
    await waitFor('the deletion', () => s.snapshot().services.length === 0);
  });

  it("holds objects without the API server's bookkeeping: managedFields and kubectl's last-applied copy", async () => {
    api = await startFakeApiServer();
    const bulky = (ip: string) => {
      const s = service('home', 'mqtt', ip);
      return {
        ...s,
        metadata: {
          ...s.metadata,
          managedFields: [{ manager: 'flux', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:type': {} } } }],
          annotations: {
            ...s.metadata.annotations,
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(s),
          },
        },
      };
    };
    api.apply('services', bulky('10.90.3.30'));
    const s = kubeSource(api, ['services']);
    await s.start();
    const listed = s.snapshot().services[0];
    expect(listed?.metadata).not.toHaveProperty('managedFields');
    expect(listed?.metadata.annotations).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'mqtt.home.example.com',
    });
    // The same through a watch event.
    await waitFor('the watch', () => api?.openWatches() === 1);
    api.apply('services', bulky('10.90.3.31'));
    await waitFor(
      'the update',
      () => s.snapshot().services[0]?.status?.loadBalancer?.ingress?.[0]?.ip === '10.90.3.31',
    );
    expect(s.snapshot().services[0]?.metadata).not.toHaveProperty('managedFields');
    expect(Object.keys(s.snapshot().services[0]?.metadata.annotations ?? {})).toEqual([
      'external-dns.alpha.kubernetes.io/hostname',
    ]);
  });

  it('watches one namespace for namespaced kinds, and Namespaces cluster-wide', async () => {
    api = await startFakeApiServer();
    api.apply('services', service('home', 'a', '10.90.3.31'));
    api.apply('services', service('other', 'b', '10.90.3.32'));
    api.apply('namespaces', namespace('other', {}));
    const s = kubeSource(api, ['services', 'namespaces'], 'home');
    await s.start();
    expect(s.snapshot().services.map((o) => o.metadata.name)).toEqual(['a']);
    expect(s.snapshot().namespaces.map((o) => o.metadata.name)).toEqual(['other']);
    expect(api.requests.filter((r) => !r.watch).map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/v1/namespaces/home/services', '/api/v1/namespaces']),
    );
  });

  it('reads Namespaces whole: the label selector picks what is served, not the labels routes are admitted by', async () => {
    api = await startFakeApiServer();
    api.apply('services', {
      ...service('home', 'mqtt', '10.90.3.30'),
      metadata: { name: 'mqtt', namespace: 'home', labels: { dns: 'on' } },
    });
    api.apply('services', service('home', 'other', '10.90.3.31'));
    api.apply('namespaces', namespace('home', { team: 'a' }));
    source = createKubeSource({
      config: kubeSourceConfig(api, { labelSelector: 'dns=on', debounceMs: 10 }),
      logger,
      kinds: ['services', 'namespaces'],
    });
    await source.start();
    expect(source.snapshot().services.map((o) => o.metadata.name)).toEqual(['mqtt']);
    expect(source.snapshot().namespaces.map((o) => o.metadata.name)).toEqual(['home']);
    const lists = api.requests.filter((r) => !r.watch);
    expect(lists.find((r) => r.path === '/api/v1/namespaces')?.query.labelSelector).toBeUndefined();
    expect(lists.find((r) => r.path === '/api/v1/services')?.query.labelSelector).toBe('dns=on');
  });

  it('serves without an optional CRD that is not installed, says so once, and picks it up once it is', async () => {
    api = await startFakeApiServer({ missing: ['dnsendpoints'] });
    api.apply('services', service('home', 'mqtt', '10.90.3.30'));
    const clock = manualClock();
    const s = kubeSource(api, ['services', 'dnsendpoints'], '', clock);
    await s.start();
    expect(s.synced()).toBe(true); // a missing CRD is "none of these", not an outage
    expect(s.stalenessSeconds()).toBe(0);
    expect(s.snapshot().services).toHaveLength(1);
    await waitFor('the recheck parked', () => clock.waiting() === 1);
    clock.advance(60_000);
    await waitFor('the recheck parked again', () => clock.waiting() === 1);
    const said = lines.filter((l) => String(l.msg).includes('is not installed'));
    expect(said).toHaveLength(1); // once, however many rechecks
    expect(said[0]?.msg).toBe(
      'DNSEndpoint is not installed in this cluster (its CRD is missing): serving without it',
    );
    api.setInstalled('dnsendpoints', true);
    api.apply('dnsendpoints', endpoint('home', 'printer'));
    clock.advance(60_000);
    await waitFor('the endpoint', () => s.snapshot().dnsEndpoints.length === 1);
    expect(lines.some((l) => l.msg === 'the CRD is installed now: watching it')).toBe(true);
  });

  it('a required kind the API does not serve is an outage: not synced', async () => {
    api = await startFakeApiServer({ missing: ['services'] });
    const s = kubeSource(api, ['services']);
    await s.start();
    expect(s.synced()).toBe(false);
  });
});

describe('the manifest folder over more kinds', () => {
  it('reads the kinds it is asked for, cluster-scoped Namespaces without a default namespace', async () => {
    const dir = scratchDir('kinds');
    mkdirSync(join(dir, 'apps'));
    writeFileSync(
      join(dir, 'apps', 'all.yaml'),
      `apiVersion: v1
kind: Service
metadata: { name: mqtt, labels: { dns: "yes" } }
spec: { type: LoadBalancer }
---
apiVersion: v1
kind: Service
metadata: { name: unlabelled }
spec: { type: LoadBalancer }
---
apiVersion: v1
kind: Namespace
metadata: { name: home, labels: { team: a } }
---
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata: { name: printer, namespace: home, labels: { dns: "yes" } }
spec: { endpoints: [{ dnsName: printer.home.example.com, recordType: A, targets: [10.90.3.9] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ignored }
`,
    );
    source = createFileSource({
      dir,
      vars: {},
      namespace: '',
      labelSelector: 'dns=yes', // picks served objects; Namespaces are read whole
      debounceMs: 10,
      pollMs: 0,
      logger,
      kinds: ['services', 'namespaces', 'dnsendpoints'],
    });
    try {
      await source.start();
      const snap = source.snapshot();
      expect(snap.services.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        'default/mqtt',
      ]);
      expect(snap.namespaces.map((o) => [o.metadata.namespace, o.metadata.name])).toEqual([
        [undefined, 'home'],
      ]);
      expect(snap.dnsEndpoints).toHaveLength(1);
      expect(snap.httpRoutes).toEqual([]);
    } finally {
      removeScratch(dir);
    }
  });
});
