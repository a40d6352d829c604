import type { Gateway } from '@horizon/shared';
import { createKubeSource } from '@horizon/shared/kube';
import {
  accepted,
  gateway,
  httpRoute,
  kubeSourceConfig,
  manualClock,
  startFakeApiServer,
  waitFor,
} from '@horizon/test/harness';
import { describe, expect, it } from 'vitest';
import { DNS_KINDS } from '../../src/kinds.ts';
import { captureLogger, testConfig } from '../basics.ts';
import { dig, startDns, status } from '../helpers.ts';

// The new sources from the Kubernetes API (the fake API server's list and watch): a Service's
// status.loadBalancer, a DNSEndpoint CRD missing then installed, and a Namespace relabelled
// under a listener's from: Selector, each followed through the source's own change events.
const selectorGateway = (): Gateway => {
  const g = gateway('network', 'internal', '10.90.3.202', '*.home.example.com');
  const [listener] = g.spec.listeners;
  if (listener)
    listener.allowedRoutes = { namespaces: { from: 'Selector', selector: { matchLabels: { lan: 'yes' } } } };
  return g;
};
const namespace = (name: string, labels: Record<string, string>) => ({ metadata: { name, labels } });

describe('names from the API: Services, DNSEndpoints, Namespace labels', () => {
  it('serves them, logs a missing DNSEndpoint CRD once, and follows a Namespace label change', async () => {
    const api = await startFakeApiServer({ missing: ['dnsendpoints'] });
    api.apply('gateways', selectorGateway());
    api.apply('httproutes', accepted(httpRoute('lab', 'wiki', ['wiki.home.example.com'])));
    api.apply('namespaces', namespace('lab', { lan: 'no' }));
    api.apply('services', {
      metadata: {
        name: 'mqtt',
        namespace: 'home',
        annotations: { 'external-dns.kubernetes.io/hostname': 'mqtt.home.example.com' },
      },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '10.90.3.210' }, { ip: 'fd00::210' }] } },
    });
    const { lines, logger } = captureLogger();
    const clock = manualClock();
    const source = createKubeSource({
      config: kubeSourceConfig(api),
      logger,
      kinds: DNS_KINDS,
      tuning: { backoffInitialMs: 50, backoffMaxMs: 200, absentRecheckMs: 1000, clock },
    });
    const run = await startDns(testConfig({ 'source.manifests': '' }), source);
    const short = async (name: string, type = 'A') => (await dig(run.port, ['+short', name, type])).trim();
    /** Resolves at the source's first change event whose snapshot passes `test` (the index rebuilt on it first). */
    const changed = (test: (s: ReturnType<typeof source.snapshot>) => boolean) =>
      new Promise<void>((resolve) => {
        const off = source.onChange((s) => {
          if (!test(s)) return;
          off();
          resolve();
        });
      });
    try {
      expect(await short('mqtt.home.example.com')).toBe('10.90.3.210');
      expect(await short('mqtt.home.example.com', 'AAAA')).toBe('fd00::210');
      expect(status(await dig(run.port, ['wiki.home.example.com']))).toBe('NXDOMAIN');
      const absent = lines.filter((l) => JSON.stringify(l).includes('dnsendpoints'));
      expect(absent.length).toBe(1);

      // A label change on the Namespace: the answer follows on the event that brings it (the
      // source's debounce, 100 ms by default, is the whole delay).
      await waitFor('the watches', () => api.openWatches() === DNS_KINDS.length - 1);
      const relabelled = changed((s) => s.namespaces.some((n) => n.metadata.labels?.lan === 'yes'));
      api.apply('namespaces', namespace('lab', { lan: 'yes' }));
      await relabelled;
      expect(await short('wiki.home.example.com')).toBe('10.90.3.202');
      const unlabelled = changed((s) => s.namespaces.some((n) => n.metadata.labels?.lan === 'no'));
      api.apply('namespaces', namespace('lab', { lan: 'no' }));
      await unlabelled;
      expect(status(await dig(run.port, ['wiki.home.example.com']))).toBe('NXDOMAIN');

      // The CRD installed later: its objects are served once the source looks again.
      api.setInstalled('dnsendpoints', true);
      api.apply('dnsendpoints', {
        metadata: { name: 'nas', namespace: 'home' },
        spec: { endpoints: [{ dnsName: 'nas.home.example.com', recordType: 'A', targets: ['10.90.3.50'] }] },
      });
      const installed = changed((s) => s.dnsEndpoints.length === 1);
      clock.advance(1000);
      await installed;
      expect(await short('nas.home.example.com')).toBe('10.90.3.50');
    } finally {
      await run.stop();
      await api.close();
    }
  });
});
