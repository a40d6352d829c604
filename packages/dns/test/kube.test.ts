import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HTTPRoute } from '@horizon/shared';
import {
  accepted,
  type FakeApiServer,
  freePort,
  gateway,
  httpRoute,
  scratchDir,
  startFakeApiServer,
  waitFor,
  writeKubeconfig,
} from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig, status } from './helpers.ts';

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
  dns = spawn(process.execPath, [join(import.meta.dirname, '..', 'src', 'main.ts'), '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

  it('keeps answering from the last index through 30 s of API outage, with staleness exported', async () => {
    await api.down();
    for (let second = 0; second < 30; second += 1) {
      expect(await a('unifi.home.example.com')).toBe('10.90.3.222');
      await sleep(1000);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    const staleness = Number(/horizon_dns_source_staleness_seconds\{[^}]*\} ([\d.]+)/.exec(metrics)?.[1]);
    expect(staleness).toBeGreaterThan(25);
    expect((await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status).toBe(200); // stale, still serving
    api.apply('httproutes', acceptedRoute('home', 'after', ['after.home.example.com']));
    await api.up();
    try {
      await waitFor('recovery', async () => (await a('after.home.example.com')) === '10.90.3.222', {
        timeoutMs: 45_000,
      }); // backoff is capped at 30 s
    } catch (err) {
      console.log(output);
      throw err;
    }
  }, 90_000);
});
