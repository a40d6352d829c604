import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HTTPRoute } from '@horizon/shared';
import { createKubeSource } from '@horizon/shared/kube';
import {
  accepted,
  type FakeApiServer,
  freePort,
  gateway,
  httpRoute,
  kubeSourceConfig,
  manualClock,
  scratchDir,
  startFakeApiServer,
  waitFor,
  writeKubeconfig,
} from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger, testConfig } from '../basics.ts';
import { dig, startDns, status } from '../helpers.ts';

let api: FakeApiServer;
let dns: ChildProcess;
let port: number;
let opsPort: number;
let output = '';

/** A route as Envoy Gateway leaves it: attached to network/internal and Accepted. */
const acceptedRoute = (ns: string, name: string, hosts: string[]): HTTPRoute =>
  accepted(httpRoute(ns, name, hosts));
const a = async (name: string) => (await dig(port, ['+short', name])).trim();

beforeAll(async () => {
  api = await startFakeApiServer();
  api.apply('gateways', gateway('network', 'internal', '10.90.3.202', '*.home.example.com'));
  api.apply('httproutes', acceptedRoute('network', 'unifi', ['unifi.home.example.com']));
  api.apply('httproutes', { ...httpRoute('home', 'pending', ['pending.home.example.com']) }); // no status yet
  port = await freePort();
  opsPort = await freePort();
  const dir = scratchDir('dns-kube');
  const configFile = join(dir, 'dns.yaml');
  writeFileSync(
    configFile,
    `listen: { addresses: [127.0.0.1], port: ${port} }
ops: { host: 127.0.0.1, port: ${opsPort} }
log: { level: info, format: json }
shutdown: { lameDuckSeconds: 0 }
zones: [home.example.com]
zoneMiss: { mode: nxdomain }
acl: { allow: [127.0.0.0/8] }
source: { kubeconfig: ${writeKubeconfig(api)}, debounceMs: 20 }
`,
  );
  // As the container starts it: the main module with a config file.
  dns = spawn(
    process.execPath,
    [join(import.meta.dirname, '..', '..', 'src', 'main.ts'), '--config', configFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  dns.stdout?.on('data', (d) => (output += d));
  dns.stderr?.on('data', (d) => (output += d));
  await waitFor(
    'the DNS service to be ready',
    async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status === 200,
    { timeoutMs: 10_000 },
  );
});
afterAll(async () => {
  dns.kill('SIGTERM');
  await new Promise((r) => dns.once('exit', r));
  await api.close();
});

describe('Horizon DNS over the Kubernetes API (main.ts with a config file, fake API server)', () => {
  it('serves accepted routes only, and shows a route added, changed and deleted within 1 s', async () => {
    expect(await a('unifi.home.example.com')).toBe('10.90.3.202');
    expect(status(await dig(port, ['pending.home.example.com']))).toBe('NXDOMAIN'); // not Accepted yet
    api.apply('httproutes', acceptedRoute('home', 'pending', ['pending.home.example.com']));
    await waitFor('the accepted route', async () => (await a('pending.home.example.com')) === '10.90.3.202', {
      timeoutMs: 1000,
    });
    api.apply('httproutes', acceptedRoute('home', 'truenas', ['truenas.home.example.com']));
    await waitFor('the new route', async () => (await a('truenas.home.example.com')) === '10.90.3.202', {
      timeoutMs: 1000,
    });
    api.apply('httproutes', acceptedRoute('home', 'truenas', ['nas.home.example.com']));
    await waitFor('the changed hostname', async () => (await a('nas.home.example.com')) === '10.90.3.202', {
      timeoutMs: 1000,
    });
    expect(status(await dig(port, ['truenas.home.example.com']))).toBe('NXDOMAIN');
    api.remove('httproutes', 'home', 'truenas');
    await waitFor(
      'the deletion',
      async () => status(await dig(port, ['nas.home.example.com'])) === 'NXDOMAIN',
      { timeoutMs: 1000 },
    );
  });

  it("shows a change of the Gateway's status address within 1 s", async () => {
    api.apply('gateways', gateway('network', 'internal', '10.90.3.222', '*.home.example.com'));
    await waitFor('the new address', async () => (await a('unifi.home.example.com')) === '10.90.3.222', {
      timeoutMs: 1000,
    });
    const records = (await (await fetch(`http://127.0.0.1:${opsPort}/records`)).json()) as {
      names: { name: string; addresses: { default: string[] } }[];
    };
    expect(records.names.find((n) => n.name === 'unifi.home.example.com')?.addresses.default).toEqual([
      '10.90.3.222',
    ]);
  });
});

// The outage, in-process over the same watcher with a manual clock: its backoff waits and its
// staleness read the clock, so 30 s of outage take as long as the retries' own work.
describe('Horizon DNS through 30 s of API outage (in-process, manual clock)', () => {
  it('keeps answering from the last index, grows stale, stays ready, and catches up', async () => {
    const outage = await startFakeApiServer();
    outage.apply('gateways', gateway('network', 'internal', '10.90.3.222', '*.home.example.com'));
    outage.apply('httproutes', acceptedRoute('network', 'unifi', ['unifi.home.example.com']));
    const clock = manualClock();
    const source = createKubeSource({
      config: kubeSourceConfig(outage),
      logger,
      tuning: { backoffInitialMs: 50, backoffMaxMs: 2000, clock },
    });
    const run = await startDns(testConfig({ 'source.manifests': '' }), source);
    const at = (name: string) => dig(run.port, ['+short', name]).then((o) => o.trim());
    try {
      expect(await at('unifi.home.example.com')).toBe('10.90.3.222');
      await waitFor('two watches', () => outage.openWatches() === 2);
      await outage.down();
      for (let second = 0; second < 30; second += 1) {
        await waitFor('both loops backing off', () => clock.waiting() === 2);
        clock.advance(1000);
        expect(await at('unifi.home.example.com')).toBe('10.90.3.222');
      }
      expect(source.stalenessSeconds()).toBeGreaterThan(28); // exported as a metric: test/watcher.test.ts
      expect(run.dns.ready()).toBe(true); // stale, still serving
      outage.apply('httproutes', acceptedRoute('home', 'after', ['after.home.example.com']));
      await outage.up();
      await waitFor('both loops backing off', () => clock.waiting() === 2);
      clock.advance(2000);
      await waitFor('recovery', async () => (await at('after.home.example.com')) === '10.90.3.222');
    } finally {
      await run.stop();
      await outage.close();
    }
  });
});
