// `./pnpmw bench:dns`: dnsperf against Horizon DNS's authoritative, cache-hit and miss paths, with
// dnsmasq, unbound and a raw Node UDP echo serving the same names in the same run; and misses
// forwarded over DNS over TLS (a forwarding rule to an unbound DoT upstream) beside unbound
// forwarding over TLS to the same upstream (dnsmasq has no DoT). Servers are
// pinned to core 0, dnsperf (and the shared upstream) to core 1. Loopback only. Prints a Markdown
// report with ratios, because absolute numbers on a shared 2-core machine are noise.
import { execFile as execFileCb, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import { makeTestPki } from '@horizon/test/harness';
import { dnsmasqConfig, type Peer, startPinned, unboundConfig } from './bench/peers.ts';
import { type PageViewer, startPageViewer } from './bench/viewer.ts';

const execFile = promisify(execFileCb);
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    names: { type: 'string', default: '10000' },
    'node-flags': { type: 'string', default: '' },
    built: { type: 'boolean', default: false },
    // Fetch the status page every this many seconds during the runs (0: never).
    'status-page': { type: 'string', default: '0' },
  },
});
const seconds = Number(flags.seconds);
const N = Number(flags.names);
const dir = mkdtempSync(join(tmpdir(), 'horizon-bench-'));
// Fixed ports, so that peers' configs can be written up front; BENCH_PORT_BASE moves them (two
// benchmarks on one machine must not answer each other's dnsperf).
const base = Number(process.env.BENCH_PORT_BASE ?? 25_300);
const ports = {
  upstream: base + 1,
  horizon: base + 2,
  dnsmasq: base + 3,
  unbound: base + 4,
  echo: base + 5,
  ops: base + 6,
  dot: base + 7,
};
// The DoT upstream's certificate, from a throwaway CA (removed at the end).
const pki = makeTestPki([{ name: 'dot.test', ip: '127.0.0.1' }]);
const dotCert = pki.certs['dot.test'];
const names = Array.from({ length: N }, (_, i) => `app${i}.home.example.com`);

// The same 10,000 names for everyone: manifests for Horizon (Gateway API allows 16 hostnames a route).
const docs = [
  'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: internal, namespace: network }\nspec:\n  gatewayClassName: envoy\n  addresses: [{ value: "10.90.3.202" }]\n  listeners: [{ name: https, port: 443, protocol: HTTPS, allowedRoutes: { namespaces: { from: All } } }]\n',
];
for (let r = 0; r * 10 < N; r += 1) {
  const hosts = names
    .slice(r * 10, r * 10 + 10)
    .map((n) => `"${n}"`)
    .join(', ');
  docs.push(
    `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r${r}, namespace: home }\nspec:\n  parentRefs: [{ name: internal, namespace: network }]\n  hostnames: [${hosts}]\n`,
  );
}
const manifests = join(dir, 'manifests');
spawnSync('mkdir', ['-p', manifests]);
writeFileSync(join(manifests, 'all.yaml'), docs.join('---\n'));
writeFileSync(join(dir, 'auth.txt'), names.map((n) => `${n} A`).join('\n'));
writeFileSync(join(dir, 'hit.txt'), Array.from({ length: 1000 }, (_, i) => `c${i}.bench.test A`).join('\n'));
writeFileSync(
  join(dir, 'miss.txt'),
  Array.from({ length: 400_000 }, (_, i) => `u${i}.miss.test A`).join('\n'),
);
writeFileSync(
  join(dir, 'miss-tls.txt'),
  Array.from({ length: 400_000 }, (_, i) => `u${i}.tls.test A`).join('\n'),
);
writeFileSync(
  join(dir, 'horizon.yaml'),
  `listen: { addresses: [127.0.0.1], port: ${ports.horizon} }
ops: { host: 127.0.0.1, port: ${ports.ops} }
log: { level: error }
zones: [home.example.com]
zoneMiss: { mode: nxdomain }
acl: { allow: [127.0.0.0/8] }
forward:
  upstreams: ["127.0.0.1:${ports.upstream}"]
  rules: [{ domains: [tls.test], upstreams: ["tls://127.0.0.1:${ports.dot}#dot.test"] }]
  tls: { caFile: ${pki.caFile} }
cache: { size: 10000 }
source: { manifests: ${manifests} }
`,
);

// --built: the compiled JavaScript, as the container runs it (no type stripping at load).
if (
  flags.built &&
  spawnSync('pnpm', ['build'], { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' }).status !== 0
) {
  throw new Error('pnpm build failed');
}
const horizonMain = flags.built
  ? ['--conditions=production', join(import.meta.dirname, '..', 'packages', 'dns', 'dist', 'main.js')]
  : [join(import.meta.dirname, '..', 'packages', 'dns', 'src', 'main.ts')];
const peers: Peer[] = [];
const start = async (...args: Parameters<typeof startPinned>) => {
  const p = await startPinned(...args);
  peers.push(p);
  return p;
};
let viewer: PageViewer | undefined; // the status page's viewer, stopped in finally too
// Interrupted (Ctrl-C, a kill), `finally` never runs: stop what was started here, or the servers
// keep their ports and the next run measures them instead of its own.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    viewer?.child.kill('SIGKILL');
    void Promise.all(peers.map((p) => p.stop().catch(() => undefined))).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
try {
  // The upstream behind the cache paths shares core 1 with dnsperf, so all resolvers see the same one.
  await start(
    'upstream',
    1,
    'dnsmasq',
    dnsmasqConfig(dir, ports.upstream, [
      'address=/bench.test/127.0.0.9',
      'address=/miss.test/127.0.0.10',
      'address=/probe.test/127.0.0.1',
      'local-ttl=3600',
    ]),
    ports.upstream,
    dir,
  );
  // The DoT upstream, beside the plain one on core 1: unbound answering every name under tls.test.
  await start(
    'DoT upstream',
    1,
    'unbound',
    unboundConfig(
      dir,
      ports.dot,
      `  tls-port: ${ports.dot}\n  tls-service-key: "${dotCert?.keyFile}"\n  tls-service-pem: "${dotCert?.certFile}"\n  incoming-num-tcp: 100\n  local-zone: "." static\n  local-zone: "tls.test." redirect\n  local-data: "tls.test. 3600 IN A 127.0.0.11"\n  local-data: "probe.test. 30 IN A 127.0.0.1"`,
    ),
    ports.dot,
    dir,
  );
  const horizon = await start(
    'Horizon',
    0,
    process.execPath,
    [
      ...(flags['node-flags'] ? flags['node-flags'].split(' ') : []),
      ...horizonMain,
      '--config',
      join(dir, 'horizon.yaml'),
    ],
    ports.horizon,
    dir,
  );
  const dnsmasq = await start(
    'dnsmasq',
    0,
    'dnsmasq',
    dnsmasqConfig(dir, ports.dnsmasq, [
      ...names.map((n) => `address=/${n}/10.90.3.202`),
      `server=127.0.0.1#${ports.upstream}`,
    ]),
    ports.dnsmasq,
    dir,
  );
  const unbound = await start(
    'unbound',
    0,
    'unbound',
    unboundConfig(
      dir,
      ports.unbound,
      `  module-config: "iterator"\n  local-zone: "test." nodefault\n  local-zone: "home.example.com." static\n${names.map((n) => `  local-data: "${n}. 30 IN A 10.90.3.202"`).join('\n')}\n  local-zone: "probe.test." static\n  local-data: "probe.test. 30 IN A 127.0.0.1"\n  tls-cert-bundle: "${pki.caFile}"\nforward-zone:\n  name: "tls.test."\n  forward-tls-upstream: yes\n  forward-addr: 127.0.0.1@${ports.dot}#dot.test\nforward-zone:\n  name: "bench.test."\n  forward-addr: 127.0.0.1@${ports.upstream}\nforward-zone:\n  name: "miss.test."\n  forward-addr: 127.0.0.1@${ports.upstream}`,
    ),
    ports.unbound,
    dir,
  );
  const echo = await start(
    'raw Node UDP echo',
    0,
    process.execPath,
    [join(import.meta.dirname, 'bench', 'udp-echo.ts'), String(ports.echo)],
    ports.echo,
    dir,
  );
  await sleep(1500); // Horizon's index: 10,000 names built once the manifests are read
  viewer = startPageViewer(`http://127.0.0.1:${ports.ops}/`, Number(flags['status-page']));
  const baseline = horizon.rssMiB();
  const baselineAnon = horizon.anonMiB();

  const rows: string[][] = [];
  // Async, not spawnSync: a blocked event loop would hold a Ctrl-C or kill off until the end.
  const run = async (peer: Peer, file: string, label: string, warm = true) => {
    const args = [
      '-c',
      '1',
      'dnsperf',
      '-s',
      '127.0.0.1',
      '-p',
      String(peer.port),
      '-d',
      join(dir, file),
      '-c',
      '4',
      '-q',
      '200',
    ];
    if (warm) await execFile('taskset', [...args, '-l', '2']);
    const { stdout: out } = await execFile('taskset', [...args, '-l', String(seconds)]);
    const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
    const lat = /Average Latency \(s\):\s+([\d.]+) \(min [\d.]+, max ([\d.]+)\)/.exec(out);
    const lost = /Queries lost:\s+(\d+)/.exec(out)?.[1] ?? '?';
    const rcodes = (/Response codes:\s+(.*)/.exec(out)?.[1] ?? '?').replace(/ \(100\.00%\)/, '');
    rows.push([
      label,
      peer.name,
      qps.toFixed(0),
      ((Number(lat?.[1]) || 0) * 1000).toFixed(3),
      ((Number(lat?.[2]) || 0) * 1000).toFixed(1),
      lost,
      rcodes,
    ]);
    return qps;
  };
  const q = {
    echo: await run(echo, 'auth.txt', 'ceiling'),
    auth: await run(horizon, 'auth.txt', 'authoritative'),
    authDnsmasq: await run(dnsmasq, 'auth.txt', 'authoritative'),
    authUnbound: await run(unbound, 'auth.txt', 'authoritative'),
    hit: await run(horizon, 'hit.txt', 'cache hit'),
    hitDnsmasq: await run(dnsmasq, 'hit.txt', 'cache hit'),
    hitUnbound: await run(unbound, 'hit.txt', 'cache hit'),
    miss: await run(horizon, 'miss.txt', 'cache miss (forward)', false),
    missDnsmasq: await run(dnsmasq, 'miss.txt', 'cache miss (forward)', false),
    missUnbound: await run(unbound, 'miss.txt', 'cache miss (forward)', false),
    missTls: await run(horizon, 'miss-tls.txt', 'cache miss (forward over TLS)', false),
    missTlsUnbound: await run(unbound, 'miss-tls.txt', 'cache miss (forward over TLS)', false),
  };
  const viewed = await viewer?.stop();
  await sleep(10_000); // idle: V8's memory reducer returns what the load left behind
  const rss = horizon.rssMiB();
  const anon = horizon.anonMiB();
  const metrics = await (await fetch(`http://127.0.0.1:${ports.ops}/metrics`)).text();
  const mib = (name: string) =>
    (Number(new RegExp(`^${name}\\{[^}]*\\} ([\\d.e+]+)`, 'm').exec(metrics)?.[1] ?? 0) / 1048576).toFixed(1);
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  const lines = [
    `Horizon: ${flags.built ? 'compiled JavaScript (dist/, --conditions=production)' : 'TypeScript sources (type stripping)'}${flags['node-flags'] ? `, node ${flags['node-flags']}` : ''}.`,
    '',
    ...(viewed ? [viewed, ''] : []),
    `dnsperf -c 4 -q 200, ${seconds} s per run after a 2 s warm-up (none for misses); servers on core 0, dnsperf and the upstream on core 1; ${N} names.`,
    '',
    '| Path | Server | Queries/s | Avg latency (ms) | Max latency (ms) | Lost | Responses |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '| Ratio | Value |',
    '| --- | --- |',
    `| Horizon authoritative / raw Node UDP echo | ${ratio(q.auth, q.echo)} |`,
    `| Horizon authoritative / dnsmasq | ${ratio(q.auth, q.authDnsmasq)} |`,
    `| Horizon authoritative / unbound | ${ratio(q.auth, q.authUnbound)} |`,
    `| Horizon cache hit / dnsmasq | ${ratio(q.hit, q.hitDnsmasq)} |`,
    `| Horizon cache hit / unbound | ${ratio(q.hit, q.hitUnbound)} |`,
    `| Horizon miss / dnsmasq | ${ratio(q.miss, q.missDnsmasq)} |`,
    `| Horizon miss / unbound | ${ratio(q.miss, q.missUnbound)} |`,
    `| Horizon miss over TLS / unbound over TLS | ${ratio(q.missTls, q.missTlsUnbound)} |`,
    `| Horizon miss over TLS / Horizon miss over UDP | ${ratio(q.missTls, q.miss)} |`,
    '',
    `Horizon memory after the runs (${N} names indexed, 10,000 cache entries): resident ${rss.toFixed(1)} MiB, of which private ${anon.toFixed(1)} MiB (with the index only, before any query: ${baseline.toFixed(1)} MiB, private ${baselineAnon.toFixed(1)} MiB); V8 heap used ${mib('nodejs_heap_size_used_bytes')} MiB of ${mib('nodejs_heap_size_total_bytes')} MiB.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  viewer?.child.kill('SIGKILL');
  for (const p of peers.reverse()) await p.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  pki.remove();
}
