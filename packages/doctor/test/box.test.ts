// `horizon doctor` against the design in a box (the fake API server with the design's objects and
// SecurityPolicy, Horizon DNS as its main.ts runs, dnsmasq as the UDM and as public DNS, the dev
// provider as Pocket-ID), then against broken variants of it: each problem named, exit 1.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEV_ACCOUNTS,
  type DevProvider,
  designObjects,
  designSecurityPolicy,
  type FakeApiServer,
  freePort,
  httpRoute,
  type RunningProgram,
  scratchDir,
  startDevProvider,
  startDnsmasq,
  startFakeApiServer,
  stopAllPrograms,
  waitFor,
  writeKubeconfig,
} from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctor } from '../src/doctor.ts';

const ZONE = 'home.localhost';
const INTERNAL = '127.0.3.202';
const EXTERNAL = '127.0.3.201';
const CLOUDFLARE = '127.0.60.1';

interface Finding {
  check: string;
  status: string;
  subject?: string;
  message: string;
  fix?: string;
}

let api: FakeApiServer;
let dns: ChildProcess;
let dnsPort: number;
let udm: RunningProgram;
let op: DevProvider;
let kubeconfig: string;

/** Runs the doctor in-process as `./pnpmw doctor` would; its JSON findings and exit code. */
async function runDoctor(extra: Record<string, string> = {}) {
  const flags: Record<string, string> = {
    kubeconfig,
    router: `${udm.host}:${udm.port}`,
    dns: `127.0.0.1:${dnsPort}`,
    issuer: op.issuer,
    'client-id': 'horizon',
    'timeout-ms': '700',
    ...extra,
  };
  let out = '';
  let err = '';
  const code = await doctor([...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), '--json'], {
    env: {},
    stdout: {
      write: (t: string) => {
        out += t;
      },
    },
    stderr: {
      write: (t: string) => {
        err += t;
      },
    },
    fetch,
  });
  const report = out
    ? (JSON.parse(out) as { ok: boolean; findings: Finding[] })
    : { ok: false, findings: [] };
  const failed = report.findings.filter((f) => f.status === 'fail');
  return { code, failed, findings: report.findings, err };
}

beforeAll(async () => {
  api = await startFakeApiServer();
  const { gateways, routes } = designObjects(ZONE, { internal: INTERNAL, external: EXTERNAL });
  for (const g of gateways) api.apply('gateways', g as never);
  for (const r of routes) api.apply('httproutes', r as never);
  api.apply('securitypolicies', designSecurityPolicy(ZONE) as never);
  kubeconfig = writeKubeconfig(api);
  // Public DNS: pdf's public record, NXDOMAIN for the rest of the zone (as Cloudflare would).
  const publicDns = await startDnsmasq([`address=/pdf.${ZONE}/${CLOUDFLARE}`, `local=/${ZONE}/`]);
  dnsPort = await freePort();
  const ops = await freePort();
  const config = join(scratchDir('doctor'), 'dns.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: { addresses: ['127.0.0.1'], port: dnsPort },
      ops: { host: '127.0.0.1', port: ops },
      log: { level: 'warn' },
      shutdown: { lameDuckSeconds: 0 },
      zones: [ZONE],
      nameserver: { addresses: ['127.0.0.1'] },
      gateways: [{ ref: 'network/internal' }],
      zoneMiss: { mode: 'forward', upstreams: [`127.0.0.1:${publicDns.port}`] },
      acl: { allow: ['127.0.0.0/8'] },
      source: { kubeconfig, debounceMs: 20 },
    }),
  );
  dns = spawn(
    process.execPath,
    [join(import.meta.dirname, '..', '..', 'dns', 'src', 'main.ts'), '--config', config],
    {
      stdio: 'ignore',
    },
  );
  await waitFor(
    'Horizon DNS ready',
    async () => (await fetch(`http://127.0.0.1:${ops}/readyz`).catch(() => undefined))?.status === 200,
    {
      timeoutMs: 15_000,
    },
  );
  udm = await startDnsmasq([`server=/${ZONE}/127.0.0.1#${dnsPort}`, `server=127.0.0.1#${publicDns.port}`], {
    host: '127.0.254.1',
  });
  op = await startDevProvider({
    clients: [
      { client_id: 'horizon', client_secret: 's', redirect_uris: [`https://pdf.${ZONE}/oauth2/callback`] },
    ],
    accounts: DEV_ACCOUNTS,
  });
}, 60_000);

afterAll(async () => {
  dns?.kill('SIGTERM');
  if (dns) await new Promise((r) => dns.once('exit', r));
  await stopAllPrograms();
  await op?.close();
  await api?.close();
});

describe('horizon doctor', () => {
  it('passes the design in a box, having checked each part', async () => {
    const { code, failed, findings } = await runDoctor();
    expect(failed).toEqual([]);
    expect(code).toBe(0);
    const passed = (check: string) => findings.filter((f) => f.check === check && f.status === 'ok').length;
    expect(passed('horizon-dns')).toBe(1);
    expect(passed('router-forward')).toBe(5); // id, truenas, unifi, voron, and a name no route has
    expect(passed('public-names')).toBe(1); // pdf: external only, resolved publicly
    expect(passed('routes-accepted')).toBe(4); // the internal Gateway's routes: id, truenas, unifi, voron
    expect(passed('security-policies')).toBe(1);
    expect(passed('provider')).toBe(1);
    expect(passed('redirect-uris')).toBe(1);
  });

  it('names a router that forwards the zone back to itself (a loop)', async () => {
    const port = await freePort('127.0.254.2');
    const looping = await startDnsmasq([`server=/${ZONE}/127.0.254.2#${port}`], {
      host: '127.0.254.2',
      port,
    });
    try {
      const { code, failed } = await runDoctor({ router: `${looping.host}:${looping.port}` });
      expect(code).toBe(1);
      expect(failed.filter((f) => f.check === 'router-forward').length).toBe(5);
      expect(failed[0]?.message).toContain(
        'the zone is not forwarded to Horizon, or it goes round in a loop',
      );
    } finally {
      await looping.stop();
    }
  });

  it('names a stale router record that shadows the forward', async () => {
    const stale = await startDnsmasq(
      [`address=/unifi.${ZONE}/127.0.9.9`, `server=/${ZONE}/127.0.0.1#${dnsPort}`],
      {
        host: '127.0.254.3',
      },
    );
    try {
      const { code, failed } = await runDoctor({ router: `${stale.host}:${stale.port}` });
      expect(code).toBe(1);
      expect(failed.map((f) => f.subject)).toEqual([`unifi.${ZONE}`]);
      expect(failed[0]?.message).toContain('127.0.9.9');
      expect(failed[0]?.fix).toContain('delete any A record');
    } finally {
      await stale.stop();
    }
  });

  it('names a route the Gateway controller has not accepted', async () => {
    api.apply('httproutes', httpRoute('home', 'wiki', [`wiki.${ZONE}`]) as never); // no status
    try {
      const { code, failed } = await runDoctor();
      expect(code).toBe(1);
      const route = failed.find((f) => f.check === 'routes-accepted');
      expect(route?.subject).toBe('HTTPRoute home/wiki');
      expect(route?.message).toContain('no status from the controller yet');
    } finally {
      api.remove('httproutes', 'home', 'wiki');
    }
  });

  it('names a SecurityPolicy that sends Horizon auth no headers, and a redirect URI not registered', async () => {
    // A second policy, for unifi (in its namespace), written without headersToExtAuth.
    const policy = designSecurityPolicy(ZONE) as unknown as {
      metadata: { name: string; namespace: string };
      spec: { extAuth: Record<string, unknown>; targetRefs: unknown[] };
    };
    policy.metadata = { name: 'unifi', namespace: 'network' };
    delete policy.spec.extAuth.headersToExtAuth;
    policy.spec.targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'unifi' }];
    api.apply('securitypolicies', policy as never);
    try {
      const { code, failed } = await runDoctor();
      expect(code).toBe(1);
      const policies = failed.filter((f) => f.check === 'security-policies');
      expect(policies.map((f) => f.subject)).toEqual(['SecurityPolicy network/unifi']);
      expect(policies[0]?.message).toContain('has no headersToExtAuth');
      expect(failed.find((f) => f.check === 'redirect-uris')?.subject).toBe(
        `https://unifi.${ZONE}/oauth2/callback`,
      );
    } finally {
      api.remove('securitypolicies', 'network', 'unifi');
    }
  });

  it("names an issuer that is not the provider's own", async () => {
    const { code, failed } = await runDoctor({ issuer: op.issuer.replace('127.0.0.1', 'localhost') });
    expect(code).toBe(1);
    expect(failed.map((f) => f.check)).toEqual(['provider']);
    expect(failed[0]?.message).toContain(`The provider says its issuer is "${op.issuer}"`);
  });
});
