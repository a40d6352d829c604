import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type Clock,
  createFileSource,
  createMetricsRegistry,
  type GatewayApiSource,
  type Logger,
  type Registry,
} from '@horizon/shared';
import { freePort, scratchDir } from '@horizon/test/harness';
import { DNS_KINDS } from '../src/kinds.ts';
import { createDnsService } from '../src/service.ts';
import type { DnsSettings } from '../src/settings.ts';
import { logger } from './basics.ts';

const exec = promisify(execFile);
/** A folder of manifests: the design's gateways plus the given routes (`name: hostnames`). */
export function manifests(routes: Record<string, string[]>, gatewayAddresses = ['10.90.3.202']): string {
  const dir = scratchDir('dns');
  writeFileSync(
    join(dir, 'gateway.yaml'),
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: internal, namespace: network }
spec:
  gatewayClassName: envoy-internal
  addresses: [${gatewayAddresses.map((a) => `{ type: IPAddress, value: "${a}" }`).join(', ')}]
  listeners: [{ name: https, port: 443, protocol: HTTPS, hostname: "*.home.example.com", allowedRoutes: { namespaces: { from: All } } }]
`,
  );
  for (const [name, hosts] of Object.entries(routes)) writeRoute(dir, name, hosts);
  return dir;
}

export function writeRoute(dir: string, name: string, hostnames: string[]): void {
  writeFileSync(
    join(dir, `${name}.yaml`),
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: home }
spec:
  parentRefs: [{ name: internal, namespace: network }]
  hostnames: [${hostnames.map((h) => `"${h}"`).join(', ')}]
`,
  );
}

/** Runs the DNS service in-process over `source`; stop() closes everything it opened. */
export async function startDns(
  given: DnsSettings,
  source?: GatewayApiSource,
  vars: Record<string, string> = {},
  extra: { clock?: Clock; logger?: Logger } = {},
) {
  // Port 0 would let the kernel pick from the ephemeral range for UDP, where the same number may be
  // a client's TCP port (EADDRINUSE for our TCP listener): take one from the test range instead.
  const config =
    given.listen.port === 0
      ? { ...given, listen: { ...given.listen, port: await freePort(given.listen.addresses[0]) } }
      : given;
  const registry: Registry = createMetricsRegistry('dns');
  const src =
    source ??
    createFileSource({
      dir: config.source.manifests,
      vars,
      namespace: '',
      labelSelector: '',
      debounceMs: 20,
      pollMs: 0,
      logger,
      kinds: DNS_KINDS,
    });
  const dns = createDnsService(config, { logger, registry, source: src, ...extra });
  const bound = await dns.server.listen();
  await src.start();
  dns.rebuild();
  const port = bound[0]?.port ?? 0;
  return {
    port,
    registry,
    dns,
    source: src,
    async stop() {
      await dns.close();
      await src.stop();
    },
  };
}

/** Runs dig (or kdig) against 127.0.0.1:`port`; returns its output. */
export async function dig(
  port: number,
  args: string[],
  server = '127.0.0.1',
  program: 'dig' | 'kdig' = 'dig',
): Promise<string> {
  const retry = program === 'dig' ? ['+time=2', '+tries=1'] : ['+timeout=2', '+retry=0'];
  const { stdout } = await exec(program, [`@${server}`, '-p', String(port), ...retry, ...args]);
  return stdout;
}

export const status = (out: string) => /status: (\w+)/.exec(out)?.[1];
export const answersOf = (out: string) =>
  out
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(';'))
    .map((l) => l.split(/\s+/));

/**
 * Starts Horizon DNS as a process, configured by environment only, on free loopback ports with
 * `routes` as its manifests. `entry` is the sources' main.ts or the compiled dist/main.js.
 */
export async function spawnDns(
  routes: Record<string, string[]>,
  options: { entry?: 'source' | 'built'; env?: Record<string, string> } = {},
) {
  const port = await freePort();
  const ops = await freePort();
  const built = options.entry === 'built';
  const main = join(import.meta.dirname, '..', built ? 'dist' : 'src', built ? 'main.js' : 'main.ts');
  const child = spawn(process.execPath, [...(built ? ['--conditions=production'] : []), main], {
    env: {
      PATH: process.env.PATH ?? '',
      HORIZON_ZONES: 'home.example.com',
      HORIZON_ZONE_MISS_MODE: 'nxdomain',
      HORIZON_LISTEN_ADDRESSES: '127.0.0.1',
      HORIZON_LISTEN_PORT: String(port),
      HORIZON_OPS_HOST: '127.0.0.1',
      HORIZON_OPS_PORT: String(ops),
      HORIZON_LOG_LEVEL: 'warn',
      HORIZON_SOURCE_MANIFESTS: manifests(routes),
      HORIZON_SHUTDOWN_LAME_DUCK_SECONDS: '0',
      ...options.env,
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, ops, exited };
}
