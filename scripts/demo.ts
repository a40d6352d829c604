// The README's first command (`./pnpmw demo`). It runs what Horizon has so far, on loopback, with
// embedded defaults: the Gateway API file source over deploy/examples/, reloaded on change, and
// the ops server (/healthz, /readyz, /metrics) on 127.0.0.1:9153. It prints every hostname the
// routes declare with the Gateway and address they are attached to. --once prints and exits.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createFileSource,
  createLogger,
  createMetricsRegistry,
  createOpsServer,
  createReadiness,
  createShutdown,
  type Gateway,
  type GatewayApiSnapshot,
  gatewayRefsOf,
} from '@horizon/shared';

const { values: flags } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    manifests: { type: 'string' },
    'ops-port': { type: 'string', default: '9153' },
  },
});
const dir = flags.manifests ?? join(import.meta.dirname, '..', 'deploy', 'examples');
const vars = { SECRET_DOMAIN: 'home.example.com', ...process.env };
const logger = createLogger(
  { level: flags.once ? 'warn' : 'info', format: 'auto' },
  { service: 'demo', isTty: process.stdout.isTTY },
);
const registry = createMetricsRegistry('demo');
const readiness = createReadiness();
const source = createFileSource({
  dir,
  vars,
  namespace: '',
  labelSelector: '',
  debounceMs: 100,
  logger,
  metrics: { registry, prefix: 'horizon_demo' },
});
readiness.add('manifests-loaded', source.synced);

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
      for (const host of route.spec.hostnames ?? []) {
        rows.push([host, ref.gateway, address, `${route.metadata.namespace}/${route.metadata.name}`]);
      }
    }
  }
  return rows.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

function print(snap: GatewayApiSnapshot): void {
  const rows = [['HOSTNAME', 'GATEWAY', 'ADDRESS', 'ROUTE'], ...table(snap)];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  process.stdout.write(
    `\nHorizon: ${rows.length - 1} hostnames from ${dir} (generation ${snap.generation}, SECRET_DOMAIN=${vars.SECRET_DOMAIN})\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `  ${r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
}

await source.start();
if (!source.synced()) {
  process.stderr.write(`demo: could not load manifests from ${dir}; see the log above\n`);
  process.exit(1);
}
print(source.snapshot());
if (flags.once) {
  await source.stop();
} else {
  const ops = createOpsServer({
    host: '127.0.0.1',
    port: Number(flags['ops-port']),
    readiness,
    registry,
    logger,
  });
  const at = await ops.listen();
  source.onChange(print);
  process.stdout.write(
    `\nEdit a file in ${dir} and the table follows within a second.\n` +
      `Ops: curl http://127.0.0.1:${at.port}/readyz?verbose  |  curl http://127.0.0.1:${at.port}/metrics\n` +
      'Stop with Ctrl-C.\n',
  );
  createShutdown({
    readiness,
    lameDuckMs: 0,
    logger,
    signals: process,
    exit: (code) => process.exit(code),
    steps: [
      { name: 'source', close: () => source.stop() },
      { name: 'ops', close: () => ops.close() },
    ],
  });
}
