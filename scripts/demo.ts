// The README's first command (`./pnpmw demo`): Horizon on loopback with embedded defaults.
//   - prints every hostname of deploy/examples/ with the Gateway and address it is attached to;
//   - starts Horizon DNS as its container does (main.ts --config FILE) on 127.0.0.1:5300, over
//     deploy/examples/ through the file source, ops on 127.0.0.1:9153;
//   - prints the dig commands to try;
//   - starts the auth half (demo-auth.ts): Horizon auth on 127.0.0.1:4180, a development OpenID
//     Provider on 127.0.0.1:1411, an Envoy-like gateway with a sample app on 127.0.0.1:8080.
// Ctrl-C stops it all.
// Forwarding is off unless --upstream HOST[:PORT] is given (then it is a full resolver); without
// it, names outside the zone get REFUSED and zone names with no route NXDOMAIN.
// --once prints the table and exits without starting anything.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createFileSource,
  createLogger,
  type Gateway,
  type GatewayApiSnapshot,
  gatewayRefsOf,
} from '@horizon/shared';
import { startAuthDemo } from './demo-auth.ts';

const { values: flags } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    manifests: { type: 'string' },
    upstream: { type: 'string' },
    'dns-port': { type: 'string', default: '5300' },
    'ops-port': { type: 'string', default: '9153' },
    'auth-port': { type: 'string', default: '4180' },
    'op-port': { type: 'string', default: '1411' },
    'gateway-port': { type: 'string', default: '8080' },
  },
});
const root = join(import.meta.dirname, '..');
const dir = flags.manifests ?? join(root, 'deploy', 'examples');
const domain = process.env.SECRET_DOMAIN ?? 'home.example.com';
const vars = { ...process.env, SECRET_DOMAIN: domain };

/** One line per hostname and Gateway it is attached to. */
function table(snap: GatewayApiSnapshot): string[][] {
  const gateways = new Map<string, Gateway>(
    snap.gateways.map((g) => [`${g.metadata.namespace}/${g.metadata.name}`, g]),
  );
  const rows: string[][] = [];
  for (const route of snap.httpRoutes) {
    for (const ref of gatewayRefsOf(route)) {
      const gw = gateways.get(ref.gateway);
      const address = gw
        ? (gw.status?.addresses ?? gw.spec.addresses ?? []).map((a) => a.value).join(',') || '(none)'
        : '(no such gateway)';
      for (const host of route.spec.hostnames ?? [])
        rows.push([host, ref.gateway, address, `${route.metadata.namespace}/${route.metadata.name}`]);
    }
  }
  return rows.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

const logger = createLogger(
  { level: 'warn', format: 'auto' },
  { service: 'demo', isTty: process.stdout.isTTY },
);
const source = createFileSource({
  dir,
  vars,
  namespace: '',
  labelSelector: '',
  debounceMs: 100,
  pollMs: 0,
  logger,
});
await source.start();
if (!source.synced()) {
  process.stderr.write(`demo: could not load manifests from ${dir}; see the log above\n`);
  process.exit(1);
}
const rows = [['HOSTNAME', 'GATEWAY', 'ADDRESS', 'ROUTE'], ...table(source.snapshot())];
await source.stop();
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
process.stdout.write(`\nHorizon: ${rows.length - 1} hostnames from ${dir} (SECRET_DOMAIN=${domain})\n`);
for (const r of rows)
  process.stdout.write(
    `  ${r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`,
  );
if (flags.once) process.exit(0);

// Horizon DNS, configured as a file, started as its container starts it.
const dnsPort = Number(flags['dns-port']);
const opsPort = Number(flags['ops-port']);
const upstreams = flags.upstream ? [flags.upstream] : [];
const config = {
  log: { level: 'info', format: 'auto' },
  ops: { host: '127.0.0.1', port: opsPort },
  shutdown: { lameDuckSeconds: 0 },
  source: { manifests: dir },
  listen: { addresses: ['127.0.0.1'], port: dnsPort },
  zones: [domain],
  nameserver: { addresses: ['127.0.0.1'] },
  zoneMiss: upstreams.length > 0 ? { mode: 'forward', upstreams } : { mode: 'nxdomain' },
  forward: { upstreams },
};
const configFile = join(mkdtempSync(join(tmpdir(), 'horizon-demo-')), 'dns.yaml');
writeFileSync(configFile, JSON.stringify(config, null, 2)); // YAML is a superset of JSON
const dns = spawn(
  process.execPath,
  [join(root, 'packages', 'dns', 'src', 'main.ts'), '--config', configFile],
  {
    env: { ...process.env, SECRET_DOMAIN: domain },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const at = `-p ${dnsPort} @127.0.0.1`;
process.stdout.write(
  `\nHorizon DNS on 127.0.0.1:${dnsPort} (UDP and TCP), ops on http://127.0.0.1:${opsPort}. Try:\n` +
    `  dig ${at} id.${domain}          # the internal gateway: 10.90.3.202\n` +
    `  dig ${at} unifi.${domain} AAAA  # NODATA: never passed upstream\n` +
    `  dig ${at} pdf.${domain}         # external only: ${upstreams.length ? 'resolved by the upstream' : 'NXDOMAIN (no --upstream)'}\n` +
    `  dig ${at} +tcp ${domain} SOA\n` +
    `  curl http://127.0.0.1:${opsPort}/records\n` +
    `Edit a file in ${dir} and the answers follow within a second. Ctrl-C stops.\n\n`,
);
const auth = await startAuthDemo({
  root,
  authPort: Number(flags['auth-port']),
  opPort: Number(flags['op-port']),
  gatewayPort: Number(flags['gateway-port']),
});
const stop = () => {
  dns.kill('SIGTERM');
  void auth.stop();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
dns.on('exit', (code) => process.exit(code ?? 0));
